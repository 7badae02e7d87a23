import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { clockTime, timeLeft } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { navigate } from '../router.js';
import { categoryLabel, useSession } from '../session.js';
import type { CasePage, CaseRow } from '../types.js';
import { ErrorNote, Loading, TrafficLight, usePoll } from '../ui/common.js';

const PAGE = 100;
/** Queue rows refresh every few seconds: the lights and time left come from the appliance's clock. */
export const QUEUE_POLL_MS = 4000;

export function QueueView({ queue }: { queue: string }) {
  const { t, lang } = useI18n();
  const { categories } = useSession();
  const [offset, setOffset] = useState(0);
  const [typed, setTyped] = useState('');
  const [filter, setFilter] = useState('');
  // The list follows the filter box after a short pause, so each keystroke paints at once.
  useEffect(() => {
    const timer = setTimeout(() => setFilter(typed), 150);
    return () => clearTimeout(timer);
  }, [typed]);
  const grid = /^\d{15}$/.test(filter.trim()) ? filter.trim() : '';
  const { value, error, updatedAt, refresh } = usePoll(
    (signal) =>
      api.get<CasePage>(
        `/api/v1/cases?queue=${queue}&limit=${PAGE}&offset=${offset}${grid ? `&gridCode=${grid}` : ''}`,
        signal,
      ),
    QUEUE_POLL_MS,
    [queue, offset, grid],
  );
  const rows = useMemo(() => {
    const items = value?.items ?? [];
    const f = filter.trim().toLowerCase();
    if (!f || grid) return items;
    return items.filter((r) =>
      [r.caseNumber, r.description, r.gridCode, categoryLabel(categories, r.categoryKind, r.categoryCode)]
        .filter(Boolean)
        .some((s) => String(s).toLowerCase().includes(f)),
    );
  }, [value, filter, grid, categories]);
  const title = t(`queue.${queue}` as MessageKey);
  const pages = Math.max(1, Math.ceil((value?.total ?? 0) / PAGE));
  return (
    <section class="queue" aria-labelledby="queue-title">
      <div class="toolbar">
        <h1 id="queue-title">{title}</h1>
        <input
          type="search"
          aria-label={t('queue.filter')}
          placeholder={t('queue.filter')}
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
          data-testid="queue-filter"
        />
        <button type="button" onClick={refresh}>
          {t('app.refresh')}
        </button>
        <span class="muted" aria-live="polite">
          {value && t('queue.count', { total: value.total, shown: rows.length })}
          {updatedAt && ` · ${t('app.updated', { time: clockTime(updatedAt, lang) })}`}
        </span>
      </div>
      {error ? <ErrorNote error={error} retry={refresh} /> : null}
      {!value && !error ? <Loading /> : null}
      {value && <CaseTable rows={rows} label={t('queue.label', { queue: title })} />}
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

/** A keyboard-navigable case list: ↑/↓/Home/End move, Enter opens (one row in the tab order at a time). */
/** Memoised: the poll's "updated at" line re-renders the page header, never the rows. */
export const CaseTable = memo(function CaseTable({ rows, label }: { rows: CaseRow[]; label: string }) {
  const { t } = useI18n();
  const { categories } = useSession();
  const body = useRef<HTMLTableSectionElement>(null);
  // Roving tab index kept in the DOM, not in state: moving through 100 rows never re-renders the table.
  const focusRow = (from: HTMLElement, i: number) => {
    const list = body.current?.children;
    if (!list || list.length === 0) return;
    const next = list[Math.max(0, Math.min(list.length - 1, i))] as HTMLElement;
    from.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  };
  const onKey = (e: KeyboardEvent, i: number, id: string) => {
    const row = e.currentTarget as HTMLElement;
    if (e.key === 'ArrowDown') focusRow(row, i + 1);
    else if (e.key === 'ArrowUp') focusRow(row, i - 1);
    else if (e.key === 'Home') focusRow(row, 0);
    else if (e.key === 'End') focusRow(row, rows.length - 1);
    else if (e.key === 'PageDown') focusRow(row, i + 10);
    else if (e.key === 'PageUp') focusRow(row, i - 10);
    else if (e.key === 'Enter') navigate(`/cases/${id}`);
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
            <th scope="col">{t('col.category')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.grid')}</th>
            <th scope="col">{t('col.left')}</th>
            <th scope="col">{t('col.flags')}</th>
            <th scope="col">{t('col.description')}</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {rows.map((r, i) => (
            <tr
              key={r.id}
              tabIndex={i === 0 ? 0 : -1}
              onKeyDown={(e) => onKey(e, i, r.id)}
              onClick={() => navigate(`/cases/${r.id}`)}
              data-case={r.id}
              data-light={r.clock?.light ?? 'none'}
              class={r.clock?.light ? `row-${r.clock.light}` : undefined}
            >
              <td>
                <TrafficLight light={r.clock?.light} />
              </td>
              <td>
                <a href={`/cases/${r.id}`} tabIndex={-1} class="data">
                  {r.caseNumber ?? t('case.unnumbered')}
                </a>
              </td>
              <td class="data">{categoryLabel(categories, r.categoryKind, r.categoryCode)}</td>
              <td>{t(dynamicKey('status', r.status))}</td>
              <td class="data mono">{r.gridCode ?? t('app.none')}</td>
              <td class={`left left-${r.clock?.light ?? 'none'}`}>{timeLeft(t, r.clock)}</td>
              <td>
                {r.urged > 0 && <span class="tag tag-urged">{t('flag.urged')}</span>}
                {r.conflicts > 0 && <span class="tag tag-conflict">{t('flag.conflicts')}</span>}
                {r.provisionalPending > 0 && <span class="tag tag-provisional">{t('flag.provisional')}</span>}
                {r.pendingApprovals > 0 && <span class="tag">{t('flag.approvals')}</span>}
              </td>
              <td class="data desc">{r.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
