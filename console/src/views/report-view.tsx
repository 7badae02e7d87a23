import { lazy, Suspense } from 'preact/compat';
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import type { CaseBody } from '../types.js';
import { Field } from '../ui/common.js';

const PickMap = lazy(() => import('../map/pick-map.js').then((m) => ({ default: m.PickMap })));

const sources = ['hotline', 'public', 'leader', 'collector', 'video'];
type Values = Record<string, string>;

/** A report taken at the desk (hotline, public, leader): the case starts here, photos optional. */
export function ReportView() {
  const { t } = useI18n();
  const { categories } = useSession();
  const [v, setV] = useState<Values>({ source: 'hotline', kind: 'matter', category: '', lon: '', lat: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const groups = useMemo(() => {
    const m = new Map<string, { code: string; name: string }[]>();
    for (const c of categories.values()) {
      if (c.kind !== v.kind) continue;
      const key = c.majorName;
      m.set(key, [...(m.get(key) ?? []), { code: c.code, name: c.name }]);
    }
    return [...m.entries()];
  }, [categories, v.kind]);
  const set = (k: string) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    for (const k of ['category', 'lon', 'lat', 'description']) if (!v[k]?.trim()) errs[k] = t('app.required');
    for (const k of ['lon', 'lat']) if (v[k] && !Number.isFinite(Number(v[k]))) errs[k] = t('app.required');
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length) {
      form.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    const report = {
      clientReportId: `desk-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      source: v.source,
      category: { kind: v.kind, code: v.category },
      location: { lon: Number(v.lon), lat: Number(v.lat), ...(v.address ? { address: v.address } : {}) },
      description: v.description,
      ...(v.name || v.phone
        ? { reporter: { ...(v.name ? { name: v.name } : {}), ...(v.phone ? { phone: v.phone } : {}) } }
        : {}),
    };
    const fd = new FormData();
    fd.set('report', JSON.stringify(report));
    for (const f of Array.from(files.current?.files ?? [])) fd.append('photos', f);
    setBusy(true);
    try {
      const r = await api.post<CaseBody>('/api/v1/reports', fd);
      navigate(`/cases/${r.case.caseId}`);
    } catch (err) {
      if (err instanceof ApiError && err.field) {
        const f = err.field.replace(/^report\./, '');
        const key = f.startsWith('location.')
          ? f.slice(9)
          : f.startsWith('category')
            ? 'category'
            : f.startsWith('photos')
              ? 'photos'
              : f;
        if (['category', 'lon', 'lat', 'address', 'description', 'photos', 'source'].includes(key))
          setErrors({ [key]: err.message });
        else setFormError(`${err.code}: ${err.message}`);
      } else setFormError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  const inv = (k: string) => (errors[k] ? true : undefined);
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">{t('report.title')}</h1>
      <form ref={form} class="report-form" onSubmit={submit} noValidate>
        <Field id="rep-source" label={t('report.source')} error={errors.source}>
          <select id="rep-source" value={v.source} onChange={set('source')}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="rep-kind" label={t('report.kind')}>
          <select
            id="rep-kind"
            value={v.kind}
            onChange={(e) => setV({ ...v, kind: e.currentTarget.value, category: '' })}
          >
            <option value="matter">{t('kind.matter')}</option>
            <option value="component">{t('kind.component')}</option>
          </select>
        </Field>
        <Field id="rep-category" label={t('report.category')} error={errors.category}>
          <select
            id="rep-category"
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
        <p class="hint">{t('report.pick')}</p>
        <Suspense fallback={null}>
          <PickMap
            lon={Number.isFinite(Number.parseFloat(v.lon ?? '')) ? Number.parseFloat(v.lon ?? '') : null}
            lat={Number.isFinite(Number.parseFloat(v.lat ?? '')) ? Number.parseFloat(v.lat ?? '') : null}
            onPick={(lon, lat) => setV((old) => ({ ...old, lon: String(lon), lat: String(lat) }))}
          />
        </Suspense>
        <div class="row">
          <Field id="rep-lon" label={t('report.lon')} error={errors.lon}>
            <input
              id="rep-lon"
              inputMode="decimal"
              value={v.lon}
              onInput={set('lon')}
              aria-invalid={inv('lon')}
              required
            />
          </Field>
          <Field id="rep-lat" label={t('report.lat')} error={errors.lat}>
            <input
              id="rep-lat"
              inputMode="decimal"
              value={v.lat}
              onInput={set('lat')}
              aria-invalid={inv('lat')}
              required
            />
          </Field>
        </div>
        <Field id="rep-address" label={t('report.address')} error={errors.address}>
          <input id="rep-address" value={v.address ?? ''} onInput={set('address')} />
        </Field>
        <Field id="rep-description" label={t('report.description')} error={errors.description}>
          <textarea
            id="rep-description"
            rows={3}
            value={v.description ?? ''}
            onInput={set('description')}
            aria-invalid={inv('description')}
            required
          />
        </Field>
        <div class="row">
          <Field id="rep-name" label={t('report.reporterName')}>
            <input id="rep-name" value={v.name ?? ''} onInput={set('name')} autocomplete="off" />
          </Field>
          <Field id="rep-phone" label={t('report.reporterPhone')}>
            <input id="rep-phone" type="tel" value={v.phone ?? ''} onInput={set('phone')} autocomplete="off" />
          </Field>
        </div>
        <Field id="rep-photos" label={t('report.photos')} error={errors.photos}>
          <input
            id="rep-photos"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            multiple
            ref={files}
            aria-invalid={inv('photos')}
          />
        </Field>
        {formError && (
          <p class="error" role="alert" data-testid="form-error">
            {formError}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="report-submit">
          {t('report.submit')}
        </button>
      </form>
    </section>
  );
}
