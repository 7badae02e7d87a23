import { lazy, Suspense } from 'preact/compat';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, timeLeft } from '../format.js';
import { dynamicKey, useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { categoryLabel, useSession } from '../session.js';
import type { CaseBody, CaseEvent } from '../types.js';
import { ErrorNote, Loading, TrafficLight, usePoll } from '../ui/common.js';
import { ActionPanel } from './action-panel.js';

const CaseMap = lazy(() => import('../map/case-map.js').then((m) => ({ default: m.CaseMap })));

export function CaseView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { categories, departments } = useSession();
  const { value, error, refresh } = usePoll(
    async (signal) => {
      const [c, ev] = await Promise.all([
        api.get<CaseBody>(`/api/v1/cases/${id}`, signal),
        api.get<{ events: CaseEvent[] }>(`/api/v1/cases/${id}/events`, signal),
      ]);
      return { ...c, events: ev.events };
    },
    5000,
    [id],
  );
  if (error) return <ErrorNote error={error} retry={refresh} />;
  if (!value) return <Loading />;
  const c = value.case;
  const running = value.clocks.find((k) => k.state !== 'stopped');
  const number = c.caseNumber ?? t('case.unnumbered');
  return (
    <article class="case" aria-labelledby="case-title" data-status={c.status}>
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
      </header>
      <div class="case-grid">
        <section aria-labelledby="actions-title" class="panel actions">
          <h2 id="actions-title">{t('case.actions')}</h2>
          <ActionPanel state={c} onDone={refresh} />
        </section>
        <section aria-labelledby="info-title" class="panel">
          <h2 id="info-title">{t('case.info')}</h2>
          <dl class="info">
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
            <dd class="data">{c.departmentId ? (departments.get(c.departmentId) ?? c.departmentId) : t('app.none')}</dd>
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
        <Photos state={value.case} />
        <section aria-labelledby="map-title" class="panel">
          <h2 id="map-title">{t('case.map')}</h2>
          {c.location ? (
            <Suspense fallback={<Loading />}>
              <CaseMap lon={c.location.lon} lat={c.location.lat} />
            </Suspense>
          ) : (
            <p class="muted">{t('app.none')}</p>
          )}
        </section>
        <Duplicates id={id} />
        <Timeline body={value} />
      </div>
    </article>
  );
}

/** Before/after photo strips; `srcOf` names where a photo is served (the edge by hash, central per case). */
export function Photos({
  state,
  srcOf = (sha) => `/api/v1/photos/${sha}`,
}: {
  state: Pick<CaseBody['case'], 'photos'>;
  srcOf?: (sha256: string) => string;
}) {
  const { t } = useI18n();
  const before = [...state.photos.report, ...state.photos.verification];
  const after = [...state.photos.handling, ...state.photos.check];
  const strip = (list: string[], label: MessageKey) => (
    <figure class="photos">
      <figcaption>{t(label)}</figcaption>
      {list.length === 0 ? (
        <p class="muted">{t('app.none')}</p>
      ) : (
        list.map((sha, i) => (
          <a key={sha + i} href={srcOf(sha)} target="_blank" rel="noreferrer">
            <img src={srcOf(sha)} alt={`${t(label)} ${t('case.photo', { n: i + 1 })}`} loading="lazy" />
          </a>
        ))
      )}
    </figure>
  );
  return (
    <section aria-labelledby="photos-title" class="panel">
      <h2 id="photos-title">{t('case.photos')}</h2>
      <div class="before-after">
        {strip(before, 'case.photos.before')}
        {strip(after, 'case.photos.after')}
      </div>
    </section>
  );
}

function Duplicates({ id }: { id: string }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<
    { caseId: string; caseNumber: string | null; status: string; distanceM: number }[] | null
  >(null);
  const load = useCallback(() => {
    api
      .get<{ duplicates: NonNullable<typeof rows> }>(`/api/v1/cases/${id}/duplicates`)
      .then((r) => setRows(r.duplicates))
      .catch(() => setRows([]));
  }, [id]);
  useEffect(load, [load]);
  return (
    <section aria-labelledby="dups-title" class="panel">
      <h2 id="dups-title">{t('case.duplicates')}</h2>
      {rows === null ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p class="muted">{t('case.noDuplicates')}</p>
      ) : (
        <ul>
          {rows.map((d) => (
            <li key={d.caseId}>
              <a href={`/cases/${d.caseId}`} class="data">
                {d.caseNumber ?? t('case.unnumbered')}
              </a>{' '}
              {t(dynamicKey('status', d.status))} · {t('case.distance', { m: Math.round(d.distanceM) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Every event with who and when; conflicts and provisional (not yet confirmed) decisions stand out. */
function Timeline({ body }: { body: CaseBody & { events: CaseEvent[] } }) {
  const { t, lang } = useI18n();
  const { people } = useSession();
  const c = body.case;
  const outcome = new Map(c.timeline.map((e) => [e.eventId, e.outcome]));
  const provisional = new Map(c.provisional.map((p) => [p.eventId, p.state]));
  const conflictOf = new Map(c.conflicts.filter((x) => x.eventId).map((x) => [x.eventId, x.reason]));
  return (
    <section aria-labelledby="timeline-title" class="panel timeline-panel">
      <h2 id="timeline-title">{t('case.timeline')}</h2>
      <ol class="timeline">
        {body.events.map((e) => {
          const conflict = outcome.get(e.id) === 'conflict' || conflictOf.has(e.id);
          const prov = provisional.get(e.id);
          return (
            <li
              key={e.id}
              class={`${conflict ? 'ev-conflict' : ''} ${prov === 'pending' ? 'ev-provisional' : ''}`}
              data-event={e.type}
            >
              <time dateTime={e.at}>{dateTime(e.at, lang)}</time>
              <strong>{t(dynamicKey('event', e.type))}</strong>
              <span class="who">
                {t(dynamicKey('role', e.actor.role))}{' '}
                <span class="data">{people.get(e.actor.userId) ?? e.actor.userId.slice(-8)}</span>
              </span>
              {prov && (
                <span class={`tag ${prov === 'pending' ? 'tag-provisional' : ''}`}>
                  {prov === 'pending' ? t('case.provisional') : t('case.confirmed')}
                </span>
              )}
              {conflict && <span class="tag tag-conflict">{t('case.conflict', { reason: '' })}</span>}
              {conflict && conflictOf.get(e.id) && <span class="data">{conflictOf.get(e.id)}</span>}
              <EventDetail e={e} />
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

function EventDetail({ e }: { e: CaseEvent }) {
  const { t } = useI18n();
  const { departments, people } = useSession();
  const p = e.payload;
  const verdict =
    e.type === 'verification_recorded' && typeof p.result === 'string' ? t(dynamicKey('field', p.result)) : null;
  const text = [
    p.note,
    p.reason,
    verdict ? null : p.result,
    p.comment,
    typeof p.departmentId === 'string' ? (departments.get(p.departmentId) ?? p.departmentId) : null,
    p.caseNumber,
    typeof p.collectorId === 'string' ? (people.get(p.collectorId) ?? p.collectorId) : null,
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
  const photos = Array.isArray(p.photos) ? (p.photos as string[]) : [];
  const op = typeof p.op === 'string' ? t(dynamicKey('op', p.op)) : null;
  const decided = typeof p.approved === 'boolean' ? t(p.approved ? 'case.approved' : 'case.denied') : null;
  const passed = typeof p.passed === 'boolean' ? t(p.passed ? 'field.passed.true' : 'field.passed.false') : null;
  return (
    <span class="detail">
      {op && <span class="tag">{op}</span>}
      {decided && <span class="tag">{decided}</span>}
      {passed && <span class="tag">{passed}</span>}
      {verdict && <span class="tag">{verdict}</span>}
      {text.length > 0 && <span class="data">{text.join(' · ')}</span>}
      {photos.map((sha, i) => (
        <img
          key={sha + i}
          class="thumb"
          src={`/api/v1/photos/${sha}`}
          alt={t('case.photo', { n: i + 1 })}
          loading="lazy"
        />
      ))}
    </span>
  );
}
