import { createHash } from 'node:crypto';
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { FoldConfig } from '../../shared/case/config.js';
import type { CaseEvent, CaseEventType } from '../../shared/case/events.js';
import { validateEvent } from '../../shared/case/events.js';
import { canonicalJson, foldCase } from '../../shared/case/fold.js';
import type { ActorRef, CaseState } from '../../shared/case/state.js';
import type { WorkingCalendar } from '../../shared/clock/index.js';
import { clockStatus } from '../../shared/clock/index.js';
import { DomainError } from '../../shared/errors.js';
import type { HybridLogicalClock } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';
import type { CentralDb } from '../db/open.js';
import { cases, districtLinks, events, integrityAlarms } from '../db/schema.js';

type Tx = Parameters<Parameters<CentralDb['transaction']>[0]>[0];

/**
 * Central's case log: stores events of every origin and keeps the same projection as the edge (the shared fold).
 * Every write — a batch pushed by a district or a city decision — is one transaction.
 */
export class CentralCaseLog {
  constructor(
    private readonly deps: {
      db: CentralDb;
      foldConfig: FoldConfig;
      cityOrigin: string;
      hlc: HybridLogicalClock;
      now: () => number;
      /** Central's working calendar, for the `due` column (overdue counts); without it `due` stays null. */
      calendar?: WorkingCalendar;
      /** Told after a city decision commits (wakes long-polling pulls). */
      onAppend?: () => void;
    },
  ) {}

  /**
   * Stores a batch from one origin; returns the case ids touched. Integrity problems raise an alarm and refuse all.
   * Set-based: one lookup of the batch's ids, one of its (origin, seq) slots, one multi-row insert, one load of the
   * touched cases' events and one multi-row projection upsert — a constant number of round trips per batch, which is
   * what lets a district catch up after a long outage at close to bulk-insert speed. Pushes of one origin are
   * serialised by an advisory lock, and its acknowledged watermark advances in the same transaction.
   */
  async ingest(
    origin: string,
    district: string,
    batch: readonly CaseEvent[],
  ): Promise<{ applied: number; duplicates: number; caseIds: string[]; acked: number }> {
    try {
      return await this.deps.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(origin)})`);
        const ids = [...new Set(batch.map((e) => e.id))];
        const stored = new Map<string, unknown>();
        for (const r of await rowsOf<{ id: string; body: unknown }>(
          tx,
          sql`SELECT id, body FROM events WHERE id = ANY(${sql.param(ids)}::text[])`,
        ))
          stored.set(r.id, r.body);
        const slots = new Map<string, string>();
        for (const r of await rowsOf<{ id: string; seq: number }>(
          tx,
          sql`SELECT id, seq FROM events WHERE origin = ${origin} AND seq = ANY(${sql.param([...new Set(batch.map((e) => e.seq))])}::int[])`,
        ))
          slots.set(`${origin}\u0000${r.seq}`, r.id);
        const fresh: CaseEvent[] = [];
        const seen = new Map<string, string>();
        let duplicates = 0;
        for (const [i, e] of batch.entries()) {
          const body = canonicalJson(e);
          const same = stored.has(e.id) ? canonicalJson(stored.get(e.id)) : seen.get(e.id);
          if (same !== undefined) {
            if (same !== body)
              throw new IntegrityError(e, `events[${i}]: event ${e.id} already stored with different content`);
            duplicates += 1;
            continue;
          }
          const slot = `${e.origin}\u0000${e.seq}`;
          const holder = slots.get(slot);
          if (holder !== undefined && holder !== e.id)
            throw new IntegrityError(e, `events[${i}]: (${e.origin}, ${e.seq}) already names event ${holder}`);
          slots.set(slot, e.id);
          seen.set(e.id, body);
          fresh.push(e);
        }
        // One statement with one array per column (unnest): cheap to build and to plan, whatever the batch size.
        if (fresh.length > 0)
          await tx.execute(sql`
            INSERT INTO events (id, case_id, district, origin, seq, hlc, type, body)
            SELECT id, case_id, ${district}, ${origin}, seq, hlc, type, body FROM unnest(
              ${sql.param(fresh.map((e) => e.id))}::text[], ${sql.param(fresh.map((e) => e.caseId))}::text[],
              ${sql.param(fresh.map((e) => e.seq))}::int[], ${sql.param(fresh.map((e) => e.hlc))}::text[],
              ${sql.param(fresh.map((e) => e.type))}::text[], ${sql.param(fresh.map((e) => JSON.stringify(e)))}::jsonb[]
            ) AS t(id, case_id, seq, hlc, type, body)`);
        for (const e of fresh) this.deps.hlc.receive(e.hlc);
        const touched = [...new Set(fresh.map((e) => e.caseId))];
        await this.refoldMany(tx, touched, district);
        const acked = await this.advanceWatermark(tx, origin, district);
        return { applied: fresh.length, duplicates, caseIds: touched, acked };
      });
    } catch (err) {
      if (err instanceof IntegrityError) {
        await this.deps.db
          .insert(integrityAlarms)
          .values({ origin, eventId: err.event.id, seq: err.event.seq, detail: err.message });
        throw new DomainError('conflict', `integrity: ${err.message}`);
      }
      throw err;
    }
  }

  /**
   * The highest seq N of the origin such that 1..N are all stored, kept in `district_links.acked` and advanced from
   * its previous value (no scan of the origin's whole history per push).
   */
  private async advanceWatermark(tx: Tx, origin: string, district: string): Promise<number> {
    const prev = Number(
      (
        await tx.select({ acked: districtLinks.acked }).from(districtLinks).where(eq(districtLinks.district, district))
      )[0]?.acked ?? 0,
    );
    let acked = prev;
    for (;;) {
      const next = await tx
        .select({ seq: events.seq })
        .from(events)
        .where(and(eq(events.origin, origin), gt(events.seq, acked)))
        .orderBy(asc(events.seq))
        .limit(5000);
      let moved = false;
      for (const r of next) {
        if (r.seq !== acked + 1) break;
        acked = r.seq;
        moved = true;
      }
      if (!moved || next.length < 5000) break;
    }
    if (acked !== prev || prev === 0)
      await tx
        .insert(districtLinks)
        .values({ district, acked })
        .onConflictDoUpdate({ target: districtLinks.district, set: { acked } });
    return acked;
  }

  /**
   * A city decision (一级监督): appended as the city origin, refused when the fold would refuse it. With `create`, the
   * case is new (the city files a case for that district: it reaches the district's edge by its next pull).
   */
  async append(
    caseId: string,
    drafts: readonly { id?: string; type: CaseEventType; payload: unknown }[],
    actor: ActorRef,
    opts: { create?: { district: string } } = {},
  ): Promise<CaseState> {
    const state = await this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(this.deps.cityOrigin)})`);
      const existing = await this.load(tx, caseId);
      if (opts.create && existing.length > 0) throw new DomainError('conflict', `case ${caseId} already exists`);
      if (!opts.create && existing.length === 0) throw new DomainError('not_found', `case ${caseId} does not exist`);
      const district =
        opts.create?.district ??
        (await tx.select({ d: cases.district }).from(cases).where(eq(cases.id, caseId)))[0]?.d ??
        '';
      const deps: Record<string, number> = {};
      for (const e of existing)
        if (e.origin !== this.deps.cityOrigin) deps[e.origin] = Math.max(deps[e.origin] ?? 0, e.seq);
      const last = await tx
        .select({ seq: sql<number>`coalesce(max(${events.seq}), 0)` })
        .from(events)
        .where(eq(events.origin, this.deps.cityOrigin));
      let seq = Number(last[0]?.seq ?? 0);
      const at = new Date(this.deps.now()).toISOString();
      const written: CaseEvent[] = [];
      for (const d of drafts) {
        seq += 1;
        const checked = validateEvent({
          v: 1,
          id: d.id ?? newId(),
          caseId,
          origin: this.deps.cityOrigin,
          seq,
          hlc: this.deps.hlc.tick(),
          type: d.type,
          actor,
          at,
          deps,
          payload: d.payload,
        });
        if (!checked.ok) throw new DomainError('invalid', checked.error);
        written.push(checked.event);
      }
      const state = foldCase([...existing, ...written], this.deps.foldConfig);
      const refused = state.conflicts.find((c) => written.some((w) => w.id === c.eventId));
      if (refused) throw new DomainError(refused.kind === 'unauthorised' ? 'forbidden' : 'conflict', refused.reason);
      for (const e of written)
        await tx
          .insert(events)
          .values({ id: e.id, caseId, district, origin: e.origin, seq: e.seq, hlc: e.hlc, type: e.type, body: e });
      await this.refold(tx, caseId, district);
      return state;
    });
    this.deps.onAppend?.();
    return state;
  }

  /** The next city case number of the day: `<city division>-<yyyymmdd>-<counter>` (allocated in its own row lock). */
  async nextCaseNumber(): Promise<string> {
    const day = new Date(this.deps.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const r = await rowsOf<{ last: number }>(
      this.deps.db,
      sql`INSERT INTO case_counters (day, last) VALUES (${day}, 1)
          ON CONFLICT (day) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
    );
    return `${this.deps.cityOrigin.slice(5)}-${day}-${String(r[0]?.last ?? 1).padStart(5, '0')}`;
  }

  async events(caseId: string): Promise<CaseEvent[]> {
    return this.load(this.deps.db, caseId);
  }

  async get(caseId: string): Promise<CaseState | undefined> {
    const row = (await this.deps.db.select({ state: cases.state }).from(cases).where(eq(cases.id, caseId)))[0];
    return row?.state as CaseState | undefined;
  }

  private async load(tx: Tx | CentralDb, caseId: string): Promise<CaseEvent[]> {
    const rows = await tx
      .select({ body: events.body })
      .from(events)
      .where(eq(events.caseId, caseId))
      .orderBy(asc(events.hlc));
    return rows.map((r) => r.body as CaseEvent);
  }

  private async refold(tx: Tx, caseId: string, district: string): Promise<void> {
    await this.refoldMany(tx, [caseId], district);
  }

  /** Recomputes the projection of these cases from their events (one load, one multi-row upsert per chunk). */
  private async refoldMany(tx: Tx, caseIds: readonly string[], district: string): Promise<void> {
    for (let i = 0; i < caseIds.length; i += CHUNK) {
      const chunk = caseIds.slice(i, i + CHUNK);
      const rows = await rowsOf<{ case_id: string; body: CaseEvent }>(
        tx,
        sql`SELECT case_id, body FROM events WHERE case_id = ANY(${sql.param(chunk)}::text[]) ORDER BY case_id, hlc`,
      );
      const byCase = new Map<string, CaseEvent[]>();
      for (const r of rows) {
        const list = byCase.get(r.case_id) ?? [];
        list.push(r.body);
        byCase.set(r.case_id, list);
      }
      const folded = chunk.map((caseId) => {
        const all = byCase.get(caseId) ?? [];
        return { caseId, state: foldCase(all, this.deps.foldConfig), count: all.length };
      });
      if (folded.length === 0) continue;
      const col = <T>(f: (x: (typeof folded)[number]) => T) => sql.param(folded.map(f));
      await tx.execute(sql`
        INSERT INTO cases (id, district, case_number, status, category, conflicts, provisional_pending, updated_at,
                           event_count, due, state)
        SELECT * FROM unnest(
          ${col((f) => f.caseId)}::text[], ${col((f) => f.state.district ?? district)}::text[],
          ${col((f) => f.state.caseNumber)}::text[], ${col((f) => f.state.status)}::text[],
          ${col((f) => f.state.category)}::text[], ${col((f) => f.state.conflicts.length)}::int[],
          ${col((f) => f.state.provisional.filter((p) => p.state === 'pending').length)}::int[],
          ${col((f) => f.state.updatedAt)}::text[], ${col((f) => f.count)}::int[],
          ${col((f) => dueOf(f.state, this.deps.calendar))}::bigint[], ${col((f) => JSON.stringify(f.state))}::jsonb[]
        )
        ON CONFLICT (id) DO UPDATE SET district = excluded.district, case_number = excluded.case_number,
          status = excluded.status, category = excluded.category, conflicts = excluded.conflicts,
          provisional_pending = excluded.provisional_pending, updated_at = excluded.updated_at,
          event_count = excluded.event_count, due = excluded.due, state = excluded.state`);
    }
  }
}

/** The rows of a raw query, on either driver (node-postgres and PGlite both answer `{ rows }`). */
async function rowsOf<T>(tx: Tx | CentralDb, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Rows per statement: 500 events × 9 columns stays far below PostgreSQL's 65,535 bind parameters. */
const CHUNK = 500;

/**
 * The deadline (epoch ms) of the case's running step clock, or null: central's overdue counts read this column.
 * Computed with central's working calendar at fold time (a deadline depends only on the clock and the calendar).
 */
export function dueOf(state: CaseState, calendar: WorkingCalendar | undefined): number | null {
  if (!calendar) return null;
  let best: number | null = null;
  for (const clock of Object.values(state.clocks)) {
    if (!clock || clock.stoppedAt !== null) continue;
    const status = clockStatus(calendar, clock, clock.startedAt);
    if (status.deadline === null) continue;
    if (best === null || status.deadline < best) best = status.deadline;
  }
  return best;
}

class IntegrityError extends Error {
  constructor(
    readonly event: CaseEvent,
    message: string,
  ) {
    super(message);
  }
}

/** A stable 63-bit key for pg_advisory_xact_lock: serialises seq allocation of one origin across processes. */
function advisoryKey(origin: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(origin).digest('hex').slice(0, 16)}`));
}
