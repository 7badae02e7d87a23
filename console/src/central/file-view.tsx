import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { dynamicKey, useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { Field, usePoll } from '../ui/common.js';
import type { CityCase, DistrictRow } from './types.js';

const sources = ['hotline', 'leader', 'public', 'video', 'collector'];
type Values = Record<string, string>;
const fieldsOf = ['district', 'source', 'category', 'lon', 'lat', 'address', 'gridCode', 'description', 'urgency'];

/** 城市立案: the city files a case for a district (hotline, leader, inspection); it goes to that district's command centre. */
export function FileForDistrictView() {
  const { t } = useI18n();
  const { categories } = useSession();
  const [v, setV] = useState<Values>({ source: 'hotline', kind: 'matter', category: '', district: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const districts = usePoll(
    (signal) =>
      api
        .get<{ districts: DistrictRow[] }>('/api/v1/districts', signal)
        .catch(() => ({ districts: [] as DistrictRow[] })),
    60_000,
    [],
  );
  const groups = useMemo(() => {
    const m = new Map<string, { code: string; name: string }[]>();
    for (const c of categories.values()) {
      if (c.kind !== v.kind) continue;
      m.set(c.majorName, [...(m.get(c.majorName) ?? []), { code: c.code, name: c.name }]);
    }
    return [...m.entries()];
  }, [categories, v.kind]);
  const set = (k: string) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });
  const inv = (k: string) => (errors[k] ? true : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    for (const k of ['district', 'category', 'lon', 'lat', 'description'])
      if (!v[k]?.trim()) errs[k] = t('app.required');
    for (const k of ['lon', 'lat']) if (v[k]?.trim() && !Number.isFinite(Number(v[k]))) errs[k] = t('app.required');
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length) {
      form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    const body = {
      district: v.district?.trim(),
      source: v.source,
      category: { kind: v.kind, code: v.category },
      location: { lon: Number(v.lon), lat: Number(v.lat), ...(v.address?.trim() ? { address: v.address.trim() } : {}) },
      ...(v.gridCode?.trim() ? { gridCode: v.gridCode.trim() } : {}),
      description: v.description?.trim(),
      ...(v.urgency ? { urgency: v.urgency } : {}),
    };
    setBusy(true);
    try {
      const r = await api.post<{ case: CityCase }>('/api/v1/cases', body);
      navigate(`/city/cases/${r.case.caseId}`);
    } catch (err) {
      if (err instanceof ApiError && err.field) {
        const path = err.field.split('.');
        const key = path[0] === 'location' ? (path[1] ?? 'lon') : path[0] === 'category' ? 'category' : (path[0] ?? '');
        if (fieldsOf.includes(key)) setErrors({ [key]: err.message });
        else setFormError(`${err.code}: ${err.message}`);
      } else setFormError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="file-title">
      <h1 id="file-title">{t('city.file.title')}</h1>
      <form ref={form} class="report-form" onSubmit={submit} noValidate>
        <Field id="cf-district" label={t('city.file.district')} error={errors.district}>
          <input
            id="cf-district"
            list="cf-districts"
            inputMode="numeric"
            pattern="\d{6}"
            value={v.district}
            onInput={set('district')}
            aria-invalid={inv('district')}
            required
          />
          <datalist id="cf-districts">
            {(districts.value?.districts ?? []).map((d) => (
              <option key={d.district} value={d.district} class="data" />
            ))}
          </datalist>
        </Field>
        <Field id="cf-source" label={t('report.source')} error={errors.source}>
          <select id="cf-source" value={v.source} onChange={set('source')}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {t(dynamicKey('source', s))}
              </option>
            ))}
          </select>
        </Field>
        <Field id="cf-kind" label={t('report.kind')}>
          <select
            id="cf-kind"
            value={v.kind}
            onChange={(e) => setV({ ...v, kind: e.currentTarget.value, category: '' })}
          >
            <option value="matter">{t('kind.matter')}</option>
            <option value="component">{t('kind.component')}</option>
          </select>
        </Field>
        <Field id="cf-category" label={t('report.category')} error={errors.category}>
          <select
            id="cf-category"
            value={v.category}
            onChange={set('category')}
            aria-invalid={inv('category')}
            required
          >
            <option value="">{t('field.choose')}</option>
            {groups.map(([major, list]) => (
              <optgroup key={major} label={major} class="data">
                {list.map((c) => (
                  <option key={c.code} value={c.code} class="data">
                    {c.code} {c.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <div class="row">
          <Field id="cf-lon" label={t('report.lon')} error={errors.lon}>
            <input
              id="cf-lon"
              inputMode="decimal"
              value={v.lon ?? ''}
              onInput={set('lon')}
              aria-invalid={inv('lon')}
              required
            />
          </Field>
          <Field id="cf-lat" label={t('report.lat')} error={errors.lat}>
            <input
              id="cf-lat"
              inputMode="decimal"
              value={v.lat ?? ''}
              onInput={set('lat')}
              aria-invalid={inv('lat')}
              required
            />
          </Field>
        </div>
        <Field id="cf-address" label={t('report.address')} error={errors.address}>
          <input id="cf-address" value={v.address ?? ''} onInput={set('address')} />
        </Field>
        <Field id="cf-grid" label={t('field.gridCode')} error={errors.gridCode}>
          <input
            id="cf-grid"
            inputMode="numeric"
            value={v.gridCode ?? ''}
            onInput={set('gridCode')}
            aria-invalid={inv('gridCode')}
          />
        </Field>
        <Field id="cf-description" label={t('report.description')} error={errors.description}>
          <textarea
            id="cf-description"
            rows={3}
            value={v.description ?? ''}
            onInput={set('description')}
            aria-invalid={inv('description')}
            required
          />
        </Field>
        <Field id="cf-urgency" label={t('field.urgency')}>
          <select id="cf-urgency" value={v.urgency ?? ''} onChange={set('urgency')}>
            <option value="">{t('field.urgency.none')}</option>
            {['A', 'B', 'C'].map((u) => (
              <option key={u} value={u}>
                {t(dynamicKey('field.urgency', u))}
              </option>
            ))}
          </select>
        </Field>
        {formError && (
          <p class="error" role="alert" data-testid="form-error">
            <span class="data">{formError}</span>
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="file-submit">
          {t('city.file.submit')}
        </button>
      </form>
    </section>
  );
}
