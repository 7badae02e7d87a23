import { and, asc, eq, max } from 'drizzle-orm';
import type { FoldConfig } from '../../shared/case/config.js';
import type { CaseEvent, CaseEventType } from '../../shared/case/events.js';
import { validateEvent } from '../../shared/case/events.js';
import { foldCase } from '../../shared/case/fold.js';
import type { ActorRef, CaseState } from '../../shared/case/state.js';
import type { ClockThresholds, StepClock, WorkingCalendar } from '../../shared/clock/index.js';
import { clockStatus } from '../../shared/clock/index.js';
import type { HybridLogicalClock } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';
import { appendAudit } from '../audit/audit-log.js';
import type { EdgeDb } from '../db/open.js';
import { cases, events, NO_DEADLINE, nodeState, specialOps } from '../db/schema.js';
import { DomainError } from '../errors.js';
import { queueOf } from './queues.js';

export interface EventDraft {
  type: CaseEventType;
  payload: unknown;
  provisional?: boolean;
}

export interface CaseStoreDeps {
  db: EdgeDb;
  /** This node's origin, e.g. `district:320481`. */
  origin: string;
  hlc: HybridLogicalClock;
  foldConfig: FoldConfig;
  calendar: WorkingCalendar;
  /** Traffic-light thresholds, for the projection's yellow instant (defaults: yellow at 80 %). */
  thresholds?: ClockThresholds;
  now: () => number;
}

export interface WriteMeta {
  actor: ActorRef;
  ip?: string | null;
  /** Audit action name; defaults to `case.<first event type>`. */
  action?: string;
}

/**
 * The only writer of case events on a node. Each write appends the events, refolds the case, updates the projection
 * and the audit chain in ONE immediate transaction; an event the fold would refuse is never written.
 */
export class CaseStore {
  private readonly listeners = new Set<(caseIds: readonly string[]) => void>();

  constructor(private readonly deps: CaseStoreDeps) {}

  /**
   * Calls `listener` with the ids of cases changed by each write, after the write returns (live feeds, caches).
   * A listener that throws is logged and kept; it never fails the write. Returns the unsubscribe function.
   */
  onChange(listener: (caseIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(caseIds: readonly string[]): void {
    if (caseIds.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(caseIds);
      } catch (error) {
        console.error(JSON.stringify({ level: 'error', msg: 'case change listener failed', error: String(error) }));
      }
    }
  }

  /** Appends local events to a case (a new case when it has no events yet) and returns the new state. */
  append(caseId: string, drafts: readonly EventDraft[], meta: WriteMeta, inTx?: (state: CaseState) => void): CaseState {
    const { db } = this.deps;
    const run = db.$client.transaction(() => {
      const existing = this.loadEvents(caseId);
      const deps = versionVector(existing, this.deps.origin);
      let seq = this.lastSeq();
      const at = new Date(this.deps.now()).toISOString();
      const written: CaseEvent[] = [];
      for (const d of drafts) {
        seq += 1;
        const candidate = {
          v: 1,
          id: newId(),
          caseId,
          origin: this.deps.origin,
          seq,
          hlc: this.deps.hlc.tick(),
          type: d.type,
          actor: { userId: meta.actor.userId, role: meta.actor.role },
          at,
          ...(d.provisional ? { provisional: true } : {}),
          deps,
          payload: d.payload,
        };
        const checked = validateEvent(candidate);
        if (!checked.ok) throw new DomainError('invalid', checked.error, checked.error.split(':')[0]);
        written.push(checked.event);
      }
      const state = foldCase([...existing, ...written], this.deps.foldConfig);
      for (const e of written) {
        const conflict = state.conflicts.find((c) => c.eventId === e.id);
        if (conflict)
          throw new DomainError(conflict.kind === 'unauthorised' ? 'forbidden' : 'conflict', conflict.reason);
      }
      const receivedAt = at;
      for (const e of written) {
        db.insert(events)
          .values({
            id: e.id,
            caseId,
            origin: e.origin,
            seq: e.seq,
            hlc: e.hlc,
            type: e.type,
            at: e.at,
            body: JSON.stringify(e),
            receivedAt,
          })
          .run();
      }
      this.writeProjection(state, existing.length + written.length);
      db.insert(nodeState)
        .values({ key: 'hlc', value: this.deps.hlc.current() })
        .onConflictDoUpdate({ target: nodeState.key, set: { value: this.deps.hlc.current() } })
        .run();
      appendAudit(db, {
        at,
        actorId: meta.actor.userId,
        actorRole: meta.actor.role,
        action: meta.action ?? `case.${drafts[0]?.type ?? 'write'}`,
        target: caseId,
        detail: { events: written.map((e) => ({ id: e.id, type: e.type, seq: e.seq })) },
        ip: meta.ip ?? null,
      });
      inTx?.(state);
      return state;
    });
    const state = run.immediate();
    this.changed([caseId]);
    return state;
  }

  /**
   * Stores events from other origins (sync pull) and refolds the cases they touch, in one transaction.
   * Idempotent by event id; the same id with other content, or one (origin, seq) naming two events, is refused
   * whole as an integrity error. Events the fold refuses are kept: they show on the case as conflicts.
   */
  ingest(remote: readonly unknown[], meta: WriteMeta): { applied: number; duplicates: number; caseIds: string[] } {
    const { db } = this.deps;
    const run = db.$client.transaction(() => {
      const touched = new Set<string>();
      let applied = 0;
      let duplicates = 0;
      const at = new Date(this.deps.now()).toISOString();
      for (const [i, raw] of remote.entries()) {
        const checked = validateEvent(raw);
        if (!checked.ok) throw new DomainError('invalid', `events[${i}].${checked.error}`, `events[${i}]`);
        const e = checked.event;
        if (e.origin === this.deps.origin)
          throw new DomainError(
            'conflict',
            `events[${i}]: an event of our own origin ${e.origin} came back from elsewhere`,
          );
        const body = JSON.stringify(e);
        const same = db.select({ id: events.id, body: events.body }).from(events).where(eq(events.id, e.id)).get();
        if (same) {
          if (same.body !== body)
            throw new DomainError(
              'conflict',
              `events[${i}]: integrity: event ${e.id} already stored with different content`,
            );
          duplicates += 1;
          continue;
        }
        const slot = db
          .select({ id: events.id })
          .from(events)
          .where(and(eq(events.origin, e.origin), eq(events.seq, e.seq)))
          .get();
        if (slot)
          throw new DomainError(
            'conflict',
            `events[${i}]: integrity: (${e.origin}, ${e.seq}) already names event ${slot.id}`,
          );
        db.insert(events)
          .values({
            id: e.id,
            caseId: e.caseId,
            origin: e.origin,
            seq: e.seq,
            hlc: e.hlc,
            type: e.type,
            at: e.at,
            body,
            receivedAt: at,
          })
          .run();
        this.deps.hlc.receive(e.hlc);
        touched.add(e.caseId);
        applied += 1;
      }
      for (const caseId of touched) {
        const all = this.loadEvents(caseId);
        this.writeProjection(foldCase(all, this.deps.foldConfig), all.length, caseId);
      }
      if (applied > 0) {
        db.insert(nodeState)
          .values({ key: 'hlc', value: this.deps.hlc.current() })
          .onConflictDoUpdate({ target: nodeState.key, set: { value: this.deps.hlc.current() } })
          .run();
        appendAudit(db, {
          at,
          actorId: meta.actor.userId,
          actorRole: meta.actor.role,
          action: meta.action ?? 'sync.ingest',
          target: null,
          detail: { applied, duplicates, cases: touched.size },
          ip: meta.ip ?? null,
        });
      }
      return { applied, duplicates, caseIds: [...touched] };
    });
    const result = run.immediate();
    this.changed(result.caseIds);
    return result;
  }

  get(caseId: string): CaseState | undefined {
    const row = this.deps.db.select({ state: cases.state }).from(cases).where(eq(cases.id, caseId)).get();
    return row ? (JSON.parse(row.state) as CaseState) : undefined;
  }

  loadEvents(caseId: string): CaseEvent[] {
    return this.deps.db
      .select({ body: events.body })
      .from(events)
      .where(eq(events.caseId, caseId))
      .orderBy(asc(events.hlc))
      .all()
      .map((r) => JSON.parse(r.body) as CaseEvent);
  }

  /** Recomputes one case's projection from its events (repair, and the check that they agree). */
  refold(caseId: string): CaseState {
    return foldCase(this.loadEvents(caseId), this.deps.foldConfig);
  }

  private lastSeq(): number {
    const row = this.deps.db
      .select({ seq: max(events.seq) })
      .from(events)
      .where(eq(events.origin, this.deps.origin))
      .get();
    return row?.seq ?? 0;
  }

  private writeProjection(state: CaseState, eventCount: number, caseId = state.caseId ?? ''): void {
    const { activeStep, deadline } = activeClock(state, this.deps.calendar, this.deps.now());
    const running = activeStep ? state.clocks[activeStep as keyof typeof state.clocks] : undefined;
    const row = {
      id: caseId,
      caseNumber: state.caseNumber,
      district: state.district,
      status: state.status,
      category: state.category,
      source: state.source,
      categoryKind: state.categoryRef?.kind ?? null,
      categoryCode: state.categoryRef?.code ?? null,
      gridCode: state.gridCode,
      componentId: state.componentId,
      departmentId: state.departmentId,
      lon: state.location?.lon ?? null,
      lat: state.location?.lat ?? null,
      description: state.description,
      clientReportId: state.clientReportId,
      reportedAt: state.reportedAt,
      filedAt: state.filedAt,
      closedAt: state.closedAt,
      updatedAt: state.updatedAt,
      activeStep,
      deadline,
      activeClock: running ? JSON.stringify(running) : null,
      clockStartedAt: running?.startedAt ?? null,
      warnAt:
        running && deadline !== null
          ? yellowInstant(running, deadline, this.deps.calendar, this.deps.thresholds)
          : null,
      due: deadline ?? NO_DEADLINE,
      queue: queueOf(state.status),
      urged: state.urges.length,
      conflicts: state.conflicts.length,
      provisionalPending: state.provisional.filter((p) => p.state === 'pending').length,
      pendingApprovals: state.specialOps.filter((r) => r.decision === null).length,
      eventCount,
      state: JSON.stringify(state),
    };
    this.deps.db.insert(cases).values(row).onConflictDoUpdate({ target: cases.id, set: row }).run();
    // The ledger rows are part of the projection: rewritten from the fold in the same transaction.
    this.deps.db.delete(specialOps).where(eq(specialOps.caseId, caseId)).run();
    for (const r of state.specialOps) {
      this.deps.db
        .insert(specialOps)
        .values({
          requestId: r.requestId,
          caseId,
          op: r.op,
          requestedAt: r.requestedAt,
          decidedAt: r.decision?.at ?? null,
          approved: r.decision ? Number(r.decision.approved) : null,
          record: JSON.stringify(r),
        })
        .run();
    }
  }
}

/** Per other origin, the highest seq of this case's events we hold: the `deps` of a new event. */
function versionVector(existing: readonly CaseEvent[], self: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of existing) if (e.origin !== self) out[e.origin] = Math.max(out[e.origin] ?? 0, e.seq);
  return out;
}

/** The first instant at which the clock's used fraction reaches the yellow threshold (binary search to 1 s). */
function yellowInstant(
  clock: StepClock,
  deadline: number,
  calendar: WorkingCalendar,
  thresholds?: ClockThresholds,
): number {
  let lo = clock.startedAt;
  let hi = deadline;
  const yellowAt = thresholds?.yellowAt ?? 0.8;
  while (hi - lo > 1_000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (clockStatus(calendar, clock, mid, thresholds).usedFraction >= yellowAt) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The running, unsuspended clock with the earliest deadline: what the queues sort by. */
export function activeClock(
  state: CaseState,
  calendar: WorkingCalendar,
  now: number,
): { activeStep: string | null; deadline: number | null } {
  let best: { activeStep: string; deadline: number } | null = null;
  for (const clock of Object.values(state.clocks)) {
    if (!clock || clock.stoppedAt !== null) continue;
    const status = clockStatus(calendar, clock, now);
    if (status.state !== 'running' || status.deadline === null) continue;
    if (!best || status.deadline < best.deadline) best = { activeStep: clock.step, deadline: status.deadline };
  }
  return best ?? { activeStep: null, deadline: null };
}
