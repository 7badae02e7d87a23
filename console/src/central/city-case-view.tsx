import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { dateTime, timeLeft } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { categoryLabel, useSession } from '../session.js';
import type { ClockView } from '../types.js';
import { ErrorNote, Field, Loading, TrafficLight, usePoll } from '../ui/common.js';
import { Photos } from '../views/case-view.js';
import { type CityAction, cityActionsFor } from './nav.js';
import { DecideProvisional, OriginLabel } from './provisional.js';
import type { CityCase } from './types.js';

/** One case on central: clocks, provisional decisions to confirm/overrule, the timeline, and city-owned steps. */
export function CityCaseView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { categories } = useSession();
  const { value, error, refresh } = usePoll(
    (signal) => api.get<{ case: CityCase; clocks: ClockView[] }>(`/api/v1/console/city/cases/${id}`, signal),
    5000,
    [id],
  );
  if (error) return <ErrorNote error={error} retry={refresh} />;
  if (!value) return <Loading />;
  const c = value.case;
  const running = value.clocks.find((k) => k.state !== 'stopped');
  const number = c.caseNumber ?? t('case.unnumbered');
  const pending = c.provisional.filter((p) => p.state === 'pending');
  return (
    <article class="case city-case" aria-labelledby="case-title" data-status={c.status}>
      <header class="case-head">
        <TrafficLight light={running?.light} />
        <h1 id="case-title">
          {t('case.title', { number: '' })}
          <span class="data">{number}</span>
        </h1>
        <span class="status" data-testid="case-status">
          {t(dynamicKey('status', c.status))}
        </span>
        {running && <span class={`left left-${running.light}`}>{timeLeft(t, running)}</span>}
        {c.reworkCount > 0 && <span class="tag">{t('case.rework', { n: c.reworkCount })}</span>}
        <span class="spacer" />
        <a href="/city/cases">{t('city.case.back')}</a>
      </header>
      <div class="case-grid">
        <section aria-labelledby="actions-title" class="panel actions">
          <h2 id="actions-title">{t('case.actions')}</h2>
          <CityActionPanel state={c} onDone={refresh} />
        </section>
        <section aria-labelledby="prov-title" class="panel" data-testid="case-provisional">
          <h2 id="prov-title">{t('city.case.provisional')}</h2>
          {pending.length === 0 ? (
            <p class="muted">{t('city.provisional.none')}</p>
          ) : (
            <ul class="plain">
              {pending.map((p) => (
                <li key={p.eventId} class="ev-provisional" data-event={p.eventId}>
                  <strong>{t(dynamicKey('event', p.type))}</strong> · <OriginLabel origin={p.origin} />
                  <DecideProvisional
                    caseId={id}
                    caseNumber={number}
                    eventId={p.eventId}
                    type={p.type}
                    onDone={refresh}
                  />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="info-title" class="panel">
          <h2 id="info-title">{t('case.info')}</h2>
          <dl class="info">
            <dt>{t('city.case.district')}</dt>
            <dd class="data mono">{c.district ?? t('app.none')}</dd>
            <dt>{t('case.source')}</dt>
            <dd>{t(dynamicKey('source', c.source))}</dd>
            <dt>{t('case.category')}</dt>
            <dd class="data">
              {c.categoryRef && `${t(`kind.${c.categoryRef.kind}`)} `}
              {categoryLabel(categories, c.categoryRef?.kind ?? null, c.categoryRef?.code ?? null)}
            </dd>
            <dt>{t('case.grid')}</dt>
            <dd class="data mono">{c.gridCode ?? t('app.none')}</dd>
            <dt>{t('case.address')}</dt>
            <dd class="data">{c.location?.address ?? t('app.none')}</dd>
            <dt>{t('case.location')}</dt>
            <dd class="data mono">{c.location ? `${c.location.lon.toFixed(5)}, ${c.location.lat.toFixed(5)}` : '—'}</dd>
            <dt>{t('case.description')}</dt>
            <dd class="data">{c.description}</dd>
            <dt>{t('case.department')}</dt>
            <dd class="data">{c.departmentId ?? t('app.none')}</dd>
            <dt>{t('case.urgency')}</dt>
            <dd>{c.urgency ? t(`field.urgency.${c.urgency}` as MessageKey) : t('app.none')}</dd>
            <dt>{t('case.reportedAt')}</dt>
            <dd>{dateTime(c.reportedAt, lang)}</dd>
          </dl>
        </section>
        <section aria-labelledby="clocks-title" class="panel">
          <h2 id="clocks-title">{t('case.clocks')}</h2>
          <ul class="clocks">
            {value.clocks.map((k) => (
              <li key={k.step} data-step={k.step} data-light={k.light}>
                <TrafficLight light={k.light} /> {t(dynamicKey('step', k.step))}{' '}
                <span class={`left left-${k.light}`}>
                  {k.state === 'stopped' ? t(k.overdue ? 'light.red' : 'light.green') : timeLeft(t, k)}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <Photos state={c} srcOf={(sha) => `/api/v1/cases/${encodeURIComponent(id)}/photos/${sha}`} />
        <CityTimeline c={c} />
      </div>
    </article>
  );
}

/** Every event with who, where from and when; conflicts (overruled included) and pending provisional decisions stand out. */
function CityTimeline({ c }: { c: CityCase }) {
  const { t, lang } = useI18n();
  const provisional = new Map(c.provisional.map((p) => [p.eventId, p.state]));
  const conflictOf = new Map(c.conflicts.filter((x) => x.eventId).map((x) => [x.eventId, x]));
  const urgeOf = new Map(c.urges.map((u) => [u.eventId, u]));
  const requestOf = new Map(c.specialOps.map((r) => [r.requestId, r]));
  return (
    <section aria-labelledby="timeline-title" class="panel timeline-panel">
      <h2 id="timeline-title">{t('case.timeline')}</h2>
      <ol class="timeline">
        {c.timeline.map((e) => {
          const conflict = conflictOf.get(e.eventId);
          const isConflict = e.outcome === 'conflict' || conflict !== undefined;
          const prov = provisional.get(e.eventId);
          const urge = urgeOf.get(e.eventId);
          const request = requestOf.get(e.eventId);
          return (
            <li
              key={e.eventId}
              class={`${isConflict ? 'ev-conflict' : ''} ${prov === 'pending' ? 'ev-provisional' : ''}`}
              data-event={e.type}
              data-event-id={e.eventId}
              data-conflict={conflict?.kind ?? (isConflict ? 'conflict' : undefined)}
              data-provisional={prov}
            >
              <time dateTime={e.at}>{dateTime(e.at, lang)}</time>
              <strong>{t(dynamicKey('event', e.type))}</strong>
              <span class="who">
                <OriginLabel origin={e.origin} /> · {t(dynamicKey('role', e.actor.role))}{' '}
                <span class="data">{e.actor.userId.slice(-8)}</span>
              </span>
              {prov && (
                <span class={`tag ${prov === 'pending' ? 'tag-provisional' : ''}`}>
                  {prov === 'pending' ? t('case.provisional') : t('case.confirmed')}
                </span>
              )}
              {conflict?.kind === 'overruled' && <span class="tag tag-conflict">{t('city.case.overruled')}</span>}
              {isConflict && conflict?.kind !== 'overruled' && (
                <span class="tag tag-conflict">{t('case.conflict', { reason: '' })}</span>
              )}
              {conflict && <span class="data">{conflict.reason}</span>}
              {urge && <span class="data">{urge.comment}</span>}
              {request && (
                <span class="detail">
                  <span class="tag">{t(dynamicKey('op', request.op))}</span> <span class="data">{request.reason}</span>
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {c.conflicts.filter((x) => !x.eventId).length > 0 && (
        <ul class="conflicts">
          {c.conflicts
            .filter((x) => !x.eventId)
            .map((x, i) => (
              <li key={i} class="ev-conflict">
                {t('case.conflict', { reason: '' })}
                <span class="data">{x.reason}</span>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}

interface CityField {
  name: string;
  label: MessageKey;
  kind: 'text' | 'textarea' | 'select';
  required?: boolean;
  options?: { value: string; label: MessageKey }[];
}

const note: CityField = { name: 'note', label: 'field.note', kind: 'textarea' };
const reason: CityField = { name: 'reason', label: 'field.reason', kind: 'textarea', required: true };
const collector: CityField = { name: 'collectorId', label: 'city.field.collectorId', kind: 'text', required: true };

/** Each city-owned step's form (the bodies central/supervision/supervision.service.ts `stepSchemas` accepts). */
const formOf: Record<CityAction['path'], CityField[]> = {
  accept: [note],
  'verification-request': [collector],
  verification: [
    {
      name: 'result',
      label: 'field.result',
      kind: 'select',
      required: true,
      options: [
        { value: 'confirmed', label: 'field.confirmed' },
        { value: 'not_found', label: 'field.not_found' },
      ],
    },
    note,
  ],
  file: [
    {
      name: 'urgency',
      label: 'field.urgency',
      kind: 'select',
      options: [
        { value: '', label: 'field.urgency.none' },
        { value: 'A', label: 'field.urgency.A' },
        { value: 'B', label: 'field.urgency.B' },
        { value: 'C', label: 'field.urgency.C' },
      ],
    },
  ],
  reject: [reason],
  'check-request': [collector],
  check: [
    {
      name: 'passed',
      label: 'field.passed',
      kind: 'select',
      required: true,
      options: [
        { value: 'true', label: 'field.passed.true' },
        { value: 'false', label: 'field.passed.false' },
      ],
    },
    note,
  ],
  rework: [reason],
  close: [note],
  void: [reason],
  urge: [
    { name: 'comment', label: 'field.comment', kind: 'textarea', required: true },
    {
      name: 'level',
      label: 'field.level',
      kind: 'select',
      options: [
        { value: 'normal', label: 'field.level.normal' },
        { value: 'high', label: 'field.level.high' },
      ],
    },
  ],
  confirm: [],
  overrule: [],
};

function bodyOf(path: CityAction['path'], v: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of formOf[path]) {
    const value = v[f.name]?.trim();
    if (!value) continue;
    body[f.name] = f.name === 'passed' ? value === 'true' : value;
  }
  return body;
}

function CityActionPanel({ state, onDone }: { state: CityCase; onDone: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const actions = cityActionsFor(state.status, user.role);
  const [open, setOpen] = useState<CityAction['path'] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (actions.length === 0) {
    return (
      <p class="muted" data-testid="no-actions">
        {t('case.noActions')}
      </p>
    );
  }
  const current = actions.find((a) => a.path === open);
  return (
    <div>
      {done && (
        <p class="ok" role="status">
          {t('case.done')}: {t(dynamicKey('action', done))}
        </p>
      )}
      <div class="row wrap" role="toolbar" aria-label={t('case.actions')}>
        {actions.map((a) => (
          <button
            type="button"
            key={a.path}
            class={open === a.path ? 'primary' : ''}
            aria-expanded={open === a.path}
            aria-controls="action-form"
            data-action={a.path}
            onClick={() => setOpen(open === a.path ? null : a.path)}
          >
            {t(dynamicKey('action', a.path))}
          </button>
        ))}
      </div>
      {current && (
        <CityActionForm
          key={current.path}
          caseId={state.caseId}
          path={current.path}
          onDone={() => {
            setDone(current.path);
            setOpen(null);
            onDone();
          }}
        />
      )}
    </div>
  );
}

function CityActionForm(props: { caseId: string; path: CityAction['path']; onDone: () => void }) {
  const { t } = useI18n();
  const fields = formOf[props.path];
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, select, textarea, button[type=submit]')?.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    for (const f of fields) if (f.required && !values[f.name]?.trim()) missing[f.name] = t('app.required');
    setErrors(missing);
    setFormError(null);
    if (Object.keys(missing).length) {
      form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await api.post(`/api/v1/cases/${props.caseId}/${props.path}`, bodyOf(props.path, values));
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        const target = fields.find((f) => f.name === err.field?.split('.')[0]);
        if (target) setErrors({ [target.name]: err.message });
        else setFormError(`${err.status} ${err.code}: ${err.message}`);
      } else setFormError(String(err));
    } finally {
      setBusy(false);
    }
  };
  const id = (name: string) => `city-act-${props.path}-${name}`;
  const label = t(dynamicKey('action', props.path));
  return (
    <form id="action-form" ref={form} class="action-form" onSubmit={submit} noValidate aria-label={label}>
      {fields.map((f) => (
        <Field key={f.name} id={id(f.name)} label={t(f.label)} error={errors[f.name]}>
          {f.kind === 'select' ? (
            <select
              id={id(f.name)}
              name={f.name}
              required={f.required}
              aria-invalid={errors[f.name] ? true : undefined}
              value={values[f.name] ?? ''}
              onChange={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            >
              {!f.options?.some((o) => o.value === '') && <option value="">{t('field.choose')}</option>}
              {f.options?.map((o) => (
                <option key={o.value} value={o.value}>
                  {t(o.label)}
                </option>
              ))}
            </select>
          ) : f.kind === 'textarea' ? (
            <textarea
              id={id(f.name)}
              name={f.name}
              rows={2}
              required={f.required}
              aria-invalid={errors[f.name] ? true : undefined}
              value={values[f.name] ?? ''}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          ) : (
            <input
              id={id(f.name)}
              name={f.name}
              type="text"
              required={f.required}
              aria-invalid={errors[f.name] ? true : undefined}
              value={values[f.name] ?? ''}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          )}
        </Field>
      ))}
      {formError && (
        <p class="error" role="alert" data-testid="form-error">
          <span class="data">{formError}</span>
        </p>
      )}
      <button type="submit" class="primary" disabled={busy} data-testid="action-submit">
        {t('app.submit')}: {label}
      </button>
    </form>
  );
}
