import { lazy, Suspense } from 'preact/compat';
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { clockTime, dateTime } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import { ErrorNote, Loading, usePoll } from '../ui/common.js';
import type { DistrictRow } from './types.js';

const DistrictsChart = lazy(() => import('./districts-chart.js').then((m) => ({ default: m.DistrictsChart })));

/** Districts polled every 5 s: link state and backlog move as the edges sync. */
export const DISTRICTS_POLL_MS = 5000;

/** 各区概览: each district's link, sync backlog, last sync, open/overdue/conflict/provisional counts, and a chart. */
export function DistrictsView() {
  const { t, lang } = useI18n();
  const { value, error, updatedAt, refresh } = usePoll(
    (signal) => api.get<{ districts: DistrictRow[] }>('/api/v1/districts', signal),
    DISTRICTS_POLL_MS,
    [],
  );
  const districts = value?.districts ?? [];
  const chartData = useMemo(
    () => districts.map((d) => ({ district: d.district, open: d.open, overdue: d.overdue })),
    [value],
  );
  return (
    <section aria-labelledby="districts-title" class="districts">
      <div class="toolbar">
        <h1 id="districts-title">{t('city.districts.title')}</h1>
        <button type="button" onClick={refresh}>
          {t('app.refresh')}
        </button>
        <span class="muted" aria-live="polite">
          {updatedAt && t('app.updated', { time: clockTime(updatedAt, lang) })}
        </span>
      </div>
      {error ? <ErrorNote error={error} retry={refresh} /> : null}
      {!value && !error ? <Loading /> : null}
      {value && districts.length === 0 && <p class="muted">{t('city.districts.none')}</p>}
      {districts.length > 0 && (
        <>
          <div class="table-wrap">
            <table class="cases districts-table" aria-label={t('city.districts.title')}>
              <thead>
                <tr>
                  <th scope="col">{t('city.col.district')}</th>
                  <th scope="col">{t('city.col.link')}</th>
                  <th scope="col">{t('city.col.backlog')}</th>
                  <th scope="col">{t('city.col.lastContact')}</th>
                  <th scope="col">{t('city.col.lastPush')}</th>
                  <th scope="col">{t('city.col.acked')}</th>
                  <th scope="col">{t('city.col.open')}</th>
                  <th scope="col">{t('city.col.overdue')}</th>
                  <th scope="col">{t('city.col.conflicts')}</th>
                  <th scope="col">{t('city.col.provisional')}</th>
                  <th scope="col">{t('city.col.alarms')}</th>
                </tr>
              </thead>
              <tbody>
                {districts.map((d) => (
                  <tr key={d.district} data-district={d.district} data-link={d.link}>
                    <th scope="row">
                      <a
                        href={`/city/cases?district=${d.district}`}
                        class="data mono"
                        aria-label={`${d.district} · ${t('city.districts.cases')}`}
                      >
                        {d.district}
                      </a>
                    </th>
                    <td>
                      <span class={`link-state link-${d.link}`} data-testid="link-state">
                        <span aria-hidden="true" class={`dot dot-${d.link}`} />
                        {t(dynamicKey('city.link', d.link))}
                      </span>
                    </td>
                    <td class="mono" data-testid="backlog">
                      {d.backlog === null ? t('city.backlog.unknown') : d.backlog}
                    </td>
                    <td>{dateTime(d.lastContactAt, lang)}</td>
                    <td>{dateTime(d.lastPushAt, lang)}</td>
                    <td class="mono">{d.acked}</td>
                    <td class="mono" data-testid="open">
                      {d.open}
                    </td>
                    <td class={`mono${d.overdue > 0 ? ' left-red' : ''}`} data-testid="overdue">
                      {d.overdue > 0 ? (
                        <a href={`/city/cases?district=${d.district}&overdue=true`}>{d.overdue}</a>
                      ) : (
                        d.overdue
                      )}
                    </td>
                    <td class="mono">
                      {d.withConflicts > 0 ? (
                        <a href={`/city/cases?district=${d.district}&conflicts=true`}>{d.withConflicts}</a>
                      ) : (
                        d.withConflicts
                      )}
                    </td>
                    <td class="mono" data-testid="provisional">
                      {d.provisionalPending > 0 ? (
                        <a href="/city/provisional">{d.provisionalPending}</a>
                      ) : (
                        d.provisionalPending
                      )}
                    </td>
                    <td class={`mono${d.integrityAlarms > 0 ? ' left-red' : ''}`}>{d.integrityAlarms}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('city.districts.chart')}</h2>
          <Suspense fallback={<Loading />}>
            <DistrictsChart rows={chartData} />
          </Suspense>
        </>
      )}
    </section>
  );
}
