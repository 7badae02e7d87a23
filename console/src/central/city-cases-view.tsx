import { memo } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { caseStatuses } from '../../../shared/case/status.js';
import { api } from '../api.js';
import { clockTime, timeLeft } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { categoryLabel, useSession } from '../session.js';
import { ErrorNote, Loading, TrafficLight, usePoll } from '../ui/common.js';
import { replaceSearch } from './location.js';
import type { CityCaseRow, DistrictRow } from './types.js';

const PAGE = 100;
export const CITY_QUEUE_POLL_MS = 4000;
// Every status a case can be in (the fold's own list), in the loop's order; `none` is not a case.
const statuses = caseStatuses.filter((s) => s !== 'none');
const flags = ['overdue', 'conflicts', 'provisional'] as const;

/** 全市案件: the city-wide queue, filtered by district, status, overdue, conflicts and provisional decisions. */
export function CityCasesView({ search }: { search: string }) {
  const { t, lang } = useI18n();
  const params = new URLSearchParams(search);
  const district = params.get('district') ?? '';
  const status = params.get('status') ?? '';
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);
  const [offset, setOffset] = useState(0);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(name, value);
    else next.delete(name);
    setOffset(0);
    replaceSearch(next);
  };
  // The search box follows typing after a short pause; `pushed` is the last search it put in the URL.
  const pushed = useRef(q);
  useEffect(() => {
    if (typed.trim() === q) return;
    const timer = setTimeout(() => {
      pushed.current = typed.trim();
      set('q', typed.trim());
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);
  // A link (the nav, a district's row) changed the search: the box follows the URL, not the other way round.
  useEffect(() => {
    if (q === pushed.current) return;
    pushed.current = q;
    setTyped(q);
  }, [q]);
  useEffect(() => setOffset(0), [search]);
  const districts = usePoll(
    (signal) =>
      api
        .get<{ districts: DistrictRow[] }>('/api/v1/districts', signal)
        .catch(() => ({ districts: [] as DistrictRow[] })),
    60_000,
    [],
  );
  const query = new URLSearchParams();
  for (const k of ['district', 'status', 'q', ...flags]) {
    const v = params.get(k);
    if (v) query.set(k, v);
  }
  query.set('limit', String(PAGE));
  query.set('offset', String(offset));
  const { value, error, updatedAt, refresh } = usePoll(
    (signal) => api.get<{ total: number; cases: CityCaseRow[] }>(`/api/v1/console/city/cases?${query}`, signal),
    CITY_QUEUE_POLL_MS,
    [query.toString()],
  );
  const known = (districts.value?.districts ?? []).map((d) => d.district);
  if (district && !known.includes(district)) known.push(district);
  const pages = Math.max(1, Math.ceil((value?.total ?? 0) / PAGE));
  return (
    <section class="queue city-queue" aria-labelledby="city-cases-title">
      <div class="toolbar">
        <h1 id="city-cases-title">{t('city.cases.title')}</h1>
        <button type="button" onClick={refresh}>
          {t('app.refresh')}
        </button>
        <span class="muted" aria-live="polite">
          {value && t('queue.count', { total: value.total, shown: value.cases.length })}
          {updatedAt && ` · ${t('app.updated', { time: clockTime(updatedAt, lang) })}`}
        </span>
      </div>
      <fieldset class="filters row wrap">
        <legend>{t('city.cases.filters')}</legend>
        <label>
          {t('city.filter.district')}{' '}
          <select
            value={district}
            onChange={(e) => set('district', e.currentTarget.value)}
            data-testid="filter-district"
          >
            <option value="">{t('city.filter.allDistricts')}</option>
            {known.map((d) => (
              <option key={d} value={d} class="data">
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('city.filter.status')}{' '}
          <select value={status} onChange={(e) => set('status', e.currentTarget.value)} data-testid="filter-status">
            <option value="">{t('city.filter.allStatuses')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(dynamicKey('status', s))}
              </option>
            ))}
          </select>
        </label>
        {flags.map((f) => (
          <label key={f}>
            <input
              type="checkbox"
              checked={params.get(f) === 'true'}
              onChange={(e) => set(f, e.currentTarget.checked ? 'true' : '')}
              data-testid={`filter-${f}`}
            />{' '}
            {t(dynamicKey('city.filter', f))}
          </label>
        ))}
        <input
          type="search"
          aria-label={t('city.filter.q')}
          placeholder={t('city.filter.q')}
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
          data-testid="filter-q"
        />
        <button
          type="button"
          onClick={() => {
            setTyped('');
            setOffset(0);
            replaceSearch(new URLSearchParams());
          }}
        >
          {t('city.filter.clear')}
        </button>
      </fieldset>
      {error ? <ErrorNote error={error} retry={refresh} /> : null}
      {!value && !error ? <Loading /> : null}
      {value && <CityCaseTable rows={value.cases} label={t('city.cases.title')} />}
      {value && value.total > PAGE && (
        <div class="row pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('queue.prev')}
          </button>
          <span>{t('queue.page', { page: offset / PAGE + 1, pages })}</span>
          <button type="button" disabled={offset + PAGE >= value.total} onClick={() => setOffset(offset + PAGE)}>
            {t('queue.next')}
          </button>
        </div>
      )}
    </section>
  );
}

/** Keyboard-navigable rows (↑/↓/Home/End/PageUp/PageDown move, Enter opens), one row in the tab order at a time. */
export const CityCaseTable = memo(function CityCaseTable({ rows, label }: { rows: CityCaseRow[]; label: string }) {
  const { t } = useI18n();
  const { categories } = useSession();
  const body = useRef<HTMLTableSectionElement>(null);
  const focusRow = (from: HTMLElement, i: number) => {
    const list = body.current?.children;
    if (!list || list.length === 0) return;
    const next = list[Math.max(0, Math.min(list.length - 1, i))] as HTMLElement;
    from.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  };
  const open = (id: string) => navigate(`/city/cases/${id}`);
  const onKey = (e: KeyboardEvent, i: number, id: string) => {
    const row = e.currentTarget as HTMLElement;
    if (e.key === 'ArrowDown') focusRow(row, i + 1);
    else if (e.key === 'ArrowUp') focusRow(row, i - 1);
    else if (e.key === 'Home') focusRow(row, 0);
    else if (e.key === 'End') focusRow(row, rows.length - 1);
    else if (e.key === 'PageDown') focusRow(row, i + 10);
    else if (e.key === 'PageUp') focusRow(row, i - 10);
    else if (e.key === 'Enter') open(id);
    else return;
    e.preventDefault();
  };
  if (rows.length === 0) return <p class="muted">{t('app.empty')}</p>;
  return (
    <div class="table-wrap">
      <table class="cases" aria-label={label}>
        <caption class="sr">{t('queue.hint')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.light')}</th>
            <th scope="col">{t('col.number')}</th>
            <th scope="col">{t('city.col.district')}</th>
            <th scope="col">{t('col.category')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.left')}</th>
            <th scope="col">{t('col.flags')}</th>
            <th scope="col">{t('col.description')}</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {rows.map((r, i) => {
            const light = r.clock?.light ?? (r.overdue ? 'red' : undefined);
            return (
              <tr
                key={r.id}
                tabIndex={i === 0 ? 0 : -1}
                onKeyDown={(e) => onKey(e, i, r.id)}
                onClick={() => open(r.id)}
                data-case={r.id}
                data-light={light ?? 'none'}
                class={light ? `row-${light}` : undefined}
              >
                <td>
                  <TrafficLight light={light} />
                </td>
                <td>
                  <a href={`/city/cases/${r.id}`} tabIndex={-1} class="data">
                    {r.caseNumber ?? t('case.unnumbered')}
                  </a>
                </td>
                <td class="data mono">{r.district}</td>
                <td class="data">
                  {categoryLabel(categories, r.categoryRef?.kind ?? null, r.categoryRef?.code ?? null)}
                </td>
                <td>{t(dynamicKey('status', r.status))}</td>
                <td class={`left left-${light ?? 'none'}`}>{timeLeft(t, r.clock)}</td>
                <td>
                  {r.urged > 0 && <span class="tag tag-urged">{t('flag.urged')}</span>}
                  {r.conflicts > 0 && <span class="tag tag-conflict">{t('flag.conflicts')}</span>}
                  {r.provisionalPending > 0 && <span class="tag tag-provisional">{t('flag.provisional')}</span>}
                </td>
                <td class="data desc">{r.description}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
});
