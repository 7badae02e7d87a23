import { useEffect, useRef, useState } from 'preact/hooks';
import { type ActionSpec, availableActions, requestableOps } from '../actions.js';
import { ApiError, api } from '../api.js';
import { dynamicKey, type Translate, useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { useSession } from '../session.js';
import type { CaseState } from '../types.js';
import { Field } from '../ui/common.js';

type Values = Record<string, string>;
interface Option {
  value: string;
  label: string;
  data?: boolean;
}
interface FieldSpec {
  name: string;
  label: MessageKey;
  kind: 'text' | 'textarea' | 'select' | 'photos' | 'number';
  required?: boolean;
  options?: Option[];
}

interface Lookups {
  collectors: Option[];
  departments: Option[];
  suggestion: { departmentId: string; name: string | null; basis: string } | null;
}

const units = ['working_hours', 'working_days', 'urgent_hours', 'calendar_days'];

/** The form of each action: its fields and how the values become the API body. */
function formOf(a: ActionSpec, c: CaseState, t: Translate, look: Lookups, role: string): FieldSpec[] {
  const note: FieldSpec = { name: 'note', label: 'field.note', kind: 'textarea' };
  const reason: FieldSpec = { name: 'reason', label: 'field.reason', kind: 'textarea', required: true };
  const opt = (prefix: string, values: string[]): Option[] =>
    values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as MessageKey) }));
  switch (a.path) {
    case 'verification-request':
    case 'check-request':
      return [
        { name: 'collectorId', label: 'field.collectorId', kind: 'select', required: true, options: look.collectors },
      ];
    case 'verification':
      return [
        {
          name: 'result',
          label: 'field.result',
          kind: 'select',
          required: true,
          options: opt('field', ['confirmed', 'not_found']),
        },
        note,
        { name: 'photos', label: 'field.photos', kind: 'photos' },
      ];
    case 'file':
      return [
        {
          name: 'urgency',
          label: 'field.urgency',
          kind: 'select',
          options: [{ value: '', label: t('field.urgency.none') }, ...opt('field.urgency', ['A', 'B', 'C'])],
        },
        { name: 'gridCode', label: 'field.gridCode', kind: 'text' },
      ];
    case 'dispatch':
      return [
        {
          name: 'departmentId',
          label: 'field.departmentId',
          kind: 'select',
          required: true,
          options: look.departments,
        },
        { name: 'limitAmount', label: 'field.limitAmount', kind: 'number' },
        { name: 'limitUnit', label: 'field.limitUnit', kind: 'select', options: opt('unit', units) },
        note,
      ];
    case 'feedback':
      return [
        { name: 'result', label: 'field.handleResult', kind: 'textarea', required: true },
        { name: 'photos', label: 'field.photos', kind: 'photos' },
      ];
    case 'check':
      return [
        {
          name: 'passed',
          label: 'field.passed',
          kind: 'select',
          required: true,
          options: opt('field.passed', ['true', 'false']),
        },
        note,
        { name: 'photos', label: 'field.photos', kind: 'photos' },
      ];
    case 'reject':
    case 'rework':
      return [reason];
    case 'special-requests':
      return [
        {
          name: 'op',
          label: 'field.op',
          kind: 'select',
          required: true,
          options: opt('op', requestableOps(c, role as never)),
        },
        reason,
        { name: 'extraAmount', label: 'field.limitAmount', kind: 'number' },
        { name: 'extraUnit', label: 'field.limitUnit', kind: 'select', options: opt('unit', units) },
      ];
    case 'special-decisions':
      return [
        {
          name: 'requestId',
          label: 'field.request',
          kind: 'select',
          required: true,
          options: c.specialOps
            .filter((r) => r.decision === null)
            .map((r) => ({ value: r.requestId, label: `${t(dynamicKey('op', r.op))}: ${r.reason}`, data: true })),
        },
        {
          name: 'approved',
          label: 'field.approved',
          kind: 'select',
          required: true,
          options: [
            { value: 'true', label: t('field.approve') },
            { value: 'false', label: t('field.deny') },
          ],
        },
        note,
      ];
    case 'urge':
      return [
        { name: 'comment', label: 'field.comment', kind: 'textarea', required: true },
        { name: 'level', label: 'field.level', kind: 'select', options: opt('field.level', ['normal', 'high']) },
      ];
    default:
      return [note];
  }
}

function bodyOf(a: ActionSpec, v: Values, photos: string[]): Record<string, unknown> {
  const opt = (k: string) => (v[k] ? { [k]: v[k] } : {});
  const limit = (amount: string | undefined, unit: string | undefined) =>
    amount ? { amount: Number(amount), unit: unit || 'working_hours' } : undefined;
  switch (a.path) {
    case 'verification-request':
    case 'check-request':
      return { collectorId: v.collectorId };
    case 'verification':
      return { result: v.result, ...opt('note'), photos };
    case 'file':
      return { ...opt('urgency'), ...opt('gridCode') };
    case 'dispatch': {
      const l = limit(v.limitAmount, v.limitUnit);
      return { departmentId: v.departmentId, ...(l ? { limit: l } : {}), ...opt('note') };
    }
    case 'feedback':
      return { result: v.result, photos };
    case 'check':
      return { passed: v.passed === 'true', ...opt('note'), photos };
    case 'reject':
    case 'rework':
      return { reason: v.reason };
    case 'special-requests': {
      const l = limit(v.extraAmount, v.extraUnit);
      return { op: v.op, reason: v.reason, ...(l ? { extra: l } : {}) };
    }
    case 'special-decisions':
      return { requestId: v.requestId, approved: v.approved === 'true', ...opt('note') };
    case 'urge':
      return { comment: v.comment, level: v.level || 'normal' };
    default:
      return { ...opt('note') };
  }
}

/** The actions the user's role allows on this case now, each a small validated form. */
export function ActionPanel({ state, onDone }: { state: CaseState; onDone: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const actions = availableActions(state, user);
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (open && !actions.some((a) => a.path === open)) setOpen(null);
  }, [actions, open]);
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
        <ActionForm
          key={current.path}
          action={current}
          state={state}
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

function ActionForm({ action, state, onDone }: { action: ActionSpec; state: CaseState; onDone: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [look, setLook] = useState<Lookups>({ collectors: [], departments: [], suggestion: null });
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const fields = formOf(action, state, t, look, user.role);

  useEffect(() => {
    const needs = new Set(fields.map((f) => f.name));
    if (needs.has('collectorId')) {
      api
        .get<{ collectors: { id: string; displayName: string }[] }>('/api/v1/console/collectors')
        .then((r) =>
          setLook((l) => ({
            ...l,
            collectors: r.collectors.map((c) => ({ value: c.id, label: c.displayName, data: true })),
          })),
        )
        .catch((e) => setFormError(String(e)));
    }
    if (needs.has('departmentId')) {
      Promise.all([
        api.get<{ departments: { id: string; name: string }[] }>('/api/v1/console/departments'),
        api
          .get<{ suggestion: Lookups['suggestion'] }>(`/api/v1/cases/${state.caseId}/dispatch-suggestion`)
          .catch(() => ({ suggestion: null })),
      ])
        .then(([d, s]) => {
          setLook((l) => ({
            ...l,
            departments: d.departments.map((x) => ({ value: x.id, label: x.name, data: true })),
            suggestion: s.suggestion,
          }));
          if (s.suggestion) setValues((v) => ({ departmentId: s.suggestion?.departmentId ?? '', ...v }));
        })
        .catch((e) => setFormError(String(e)));
    }
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
      const photos: string[] = [];
      for (const file of Array.from(files.current?.files ?? [])) {
        const fd = new FormData();
        fd.set('photo', file);
        try {
          photos.push((await api.post<{ sha256: string }>('/api/v1/photos', fd)).sha256);
        } catch (err) {
          if (err instanceof ApiError) throw new ApiError(err.status, err.code, err.message, 'photos');
          throw err;
        }
      }
      await api.post(`/api/v1/cases/${state.caseId}/${action.path}`, bodyOf(action, values, photos));
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        const name = err.field?.replace(/^body\./, '').split('.')[0] ?? '';
        const target = fields.find(
          (f) =>
            f.name === name ||
            (name === 'limit' && f.name === 'limitAmount') ||
            (name === 'extra' && f.name === 'extraAmount'),
        );
        if (target) setErrors({ [target.name]: err.message });
        else setFormError(`${err.status} ${err.code}: ${err.message}`);
      } else setFormError(String(err));
    } finally {
      setBusy(false);
    }
  };

  const id = (name: string) => `act-${action.path}-${name}`;
  return (
    <form
      id="action-form"
      ref={form}
      class="action-form"
      onSubmit={submit}
      noValidate
      aria-label={t(dynamicKey('action', action.path))}
    >
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
                <option key={o.value} value={o.value} class={o.data ? 'data' : undefined}>
                  {o.label}
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
          ) : f.kind === 'photos' ? (
            <input
              id={id(f.name)}
              name={f.name}
              type="file"
              accept="image/jpeg,image/png,image/webp"
              multiple
              ref={files}
              aria-invalid={errors[f.name] ? true : undefined}
            />
          ) : f.kind === 'number' ? (
            <input
              id={id(f.name)}
              name={f.name}
              type="number"
              min={0}
              step="any"
              aria-invalid={errors[f.name] ? true : undefined}
              value={values[f.name] ?? ''}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          ) : (
            <input
              id={id(f.name)}
              name={f.name}
              type="text"
              aria-invalid={errors[f.name] ? true : undefined}
              value={values[f.name] ?? ''}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
            />
          )}
          {f.name === 'departmentId' && look.suggestion && (
            <span class="hint">
              {t('field.suggested', {
                name: look.suggestion.name ?? look.suggestion.departmentId,
                basis: t(dynamicKey('basis', look.suggestion.basis)),
              })}
            </span>
          )}
        </Field>
      ))}
      {formError && (
        <p class="error" role="alert" data-testid="form-error">
          {formError}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy} data-testid="action-submit">
        {t('app.submit')}: {t(dynamicKey('action', action.path))}
      </button>
    </form>
  );
}
