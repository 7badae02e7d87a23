import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { dynamicKey, useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { Field } from '../ui/common.js';
import { mayDecideProvisional } from './nav.js';

/** "District 320481" / "City" for an event's origin (`district:320481`, `city:320400`). */
export function OriginLabel({ origin }: { origin: string }) {
  const { t } = useI18n();
  const [kind, code] = origin.split(':');
  if (kind === 'city') return <span class="origin origin-city">{t('city.origin.city')}</span>;
  return (
    <span class="origin origin-district">
      {t('city.origin.district', { code: '' })}
      <span class="data mono">{code}</span>
    </span>
  );
}

/**
 * 确认 / 否决 one provisional decision of a district. Confirm is one click; overrule asks for a reason first.
 * Only positions central allows (the shift lead) see the buttons.
 */
export function DecideProvisional(props: {
  caseId: string;
  caseNumber: string;
  eventId: string;
  type: string;
  onDone: (outcome: 'confirmed' | 'overruled') => void;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  const [overruling, setOverruling] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (overruling) reasonRef.current?.focus();
  }, [overruling]);
  if (!mayDecideProvisional(user.role)) return null;
  const decision = t(dynamicKey('event', props.type));
  const fieldId = `overrule-${props.eventId}`;
  const send = async (step: 'confirm' | 'overrule', body: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/cases/${props.caseId}/${step}`, body);
      setOverruling(false);
      props.onDone(step === 'confirm' ? 'confirmed' : 'overruled');
    } catch (e) {
      setError(e instanceof ApiError ? `${e.status} ${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="decide" data-decide={props.eventId}>
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={busy}
          data-testid="confirm"
          aria-label={t('city.provisional.confirmLabel', { case: props.caseNumber, decision })}
          onClick={() => void send('confirm', { eventIds: [props.eventId] })}
        >
          {t('city.provisional.confirm')}
        </button>
        <button
          type="button"
          disabled={busy}
          aria-expanded={overruling}
          data-testid="overrule"
          aria-label={t('city.provisional.overruleLabel', { case: props.caseNumber, decision })}
          onClick={() => setOverruling(!overruling)}
        >
          {t('city.provisional.overrule')}
        </button>
      </div>
      {overruling && (
        <form
          class="action-form"
          noValidate
          aria-label={t('city.provisional.overruleLabel', { case: props.caseNumber, decision })}
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setError(t('app.required'));
              reasonRef.current?.focus();
              return;
            }
            void send('overrule', { eventId: props.eventId, reason: reason.trim() });
          }}
        >
          <Field id={fieldId} label={t('city.provisional.reason')}>
            <textarea
              id={fieldId}
              ref={reasonRef}
              rows={2}
              required
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              data-testid="overrule-reason"
            />
          </Field>
          <button type="submit" class="primary" disabled={busy} data-testid="overrule-submit">
            {t('city.provisional.submitOverrule')}
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          <span class="data">{error}</span>
        </p>
      )}
    </div>
  );
}
