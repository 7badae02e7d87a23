import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorNote, Loading, usePoll } from '../ui/common.js';
import { mayDecideProvisional } from './nav.js';
import { DecideProvisional, OriginLabel } from './provisional.js';
import type { DistrictRow, ProvisionalRow } from './types.js';

/** 待确认的临时决定: every district decision on a city-owned step, waiting for the city's confirm or overrule. */
export function ProvisionalView() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [outcomes, setOutcomes] = useState<Record<string, 'confirmed' | 'overruled'>>({});
  const [district, setDistrict] = useState('');
  const { value, error, refresh } = usePoll(
    (signal) =>
      api.get<{ cases: number; truncated: boolean; decisions: ProvisionalRow[] }>(
        `/api/v1/console/city/provisional${district ? `?district=${district}` : ''}`,
        signal,
      ),
    5000,
    [district],
  );
  const districts = usePoll(
    (signal) =>
      api
        .get<{ districts: DistrictRow[] }>('/api/v1/districts', signal)
        .catch(() => ({ districts: [] as DistrictRow[] })),
    60_000,
    [],
  );
  const decided = Object.entries(outcomes);
  return (
    <section aria-labelledby="provisional-title" class="provisional">
      <div class="toolbar">
        <h1 id="provisional-title">{t('city.provisional.title')}</h1>
        <button type="button" onClick={refresh}>
          {t('app.refresh')}
        </button>
        {value && (
          <span class="muted" aria-live="polite">
            {t('city.provisional.count', { n: value.decisions.length })}
          </span>
        )}
      </div>
      <p class="hint">{t('city.provisional.hint')}</p>
      <label>
        {t('city.filter.district')}{' '}
        <select value={district} onChange={(e) => setDistrict(e.currentTarget.value)} data-testid="filter-district">
          <option value="">{t('city.filter.allDistricts')}</option>
          {(districts.value?.districts ?? [])
            .filter((d) => d.provisionalPending > 0 || d.district === district)
            .map((d) => (
              <option key={d.district} value={d.district} class="data">
                {d.district}
              </option>
            ))}
        </select>
      </label>
      {value?.truncated && (
        <p class="hint" role="status">
          {t('city.provisional.truncated', { n: value.cases })}
        </p>
      )}
      {!mayDecideProvisional(user.role) && <p class="muted">{t('city.provisional.readOnly')}</p>}
      <div aria-live="polite" data-testid="outcomes">
        {decided.map(([eventId, outcome]) => (
          <p key={eventId} class="ok" data-outcome={outcome} data-event={eventId}>
            {t(outcome === 'confirmed' ? 'city.provisional.confirmed' : 'city.provisional.overruled')}
          </p>
        ))}
      </div>
      {error ? <ErrorNote error={error} retry={refresh} /> : null}
      {!value && !error ? <Loading /> : null}
      {value && value.decisions.length === 0 && <p class="muted">{t('city.provisional.none')}</p>}
      {value && value.decisions.length > 0 && (
        <div class="table-wrap">
          <table class="cases provisional-table" aria-label={t('city.provisional.title')}>
            <thead>
              <tr>
                <th scope="col">{t('city.provisional.case')}</th>
                <th scope="col">{t('city.col.district')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col">{t('city.provisional.decision')}</th>
                <th scope="col">{t('city.provisional.by')}</th>
                <th scope="col">{t('city.provisional.at')}</th>
                <th scope="col">{t('col.description')}</th>
                <th scope="col">{t('case.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {value.decisions.map((d) => {
                const number = d.caseNumber ?? t('case.unnumbered');
                return (
                  <tr key={d.eventId} data-event={d.eventId} data-case={d.caseId} data-type={d.type}>
                    <td>
                      <a href={`/city/cases/${d.caseId}`} class="data">
                        {number}
                      </a>
                    </td>
                    <td class="data mono">{d.district}</td>
                    <td>{t(dynamicKey('status', d.status))}</td>
                    <td>
                      <strong>{t(dynamicKey('event', d.type))}</strong>{' '}
                      <span class="tag tag-provisional">{t('flag.provisional')}</span>
                    </td>
                    <td>
                      <OriginLabel origin={d.origin} />
                      {d.actor && <> · {t(dynamicKey('role', d.actor.role))}</>}
                    </td>
                    <td>{dateTime(d.at, lang)}</td>
                    <td class="data desc">{d.description}</td>
                    <td>
                      <DecideProvisional
                        caseId={d.caseId}
                        caseNumber={number}
                        eventId={d.eventId}
                        type={d.type}
                        onDone={(outcome) => {
                          setOutcomes((o) => ({ ...o, [d.eventId]: outcome }));
                          refresh();
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
