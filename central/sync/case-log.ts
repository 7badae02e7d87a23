import { createHash } from 'node:crypto';
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { FoldConfig } from '../../shared/case/config.js';
import type { CaseEvent, CaseEventType } from '../../shared/case/events.js';
import { payloadSchemas, validateEvent } from '../../shared/case/events.js';
import { canonicalJson, foldCase } from '../../shared/case/fold.js';
import type { ActorRef, CaseState } from '../../shared/case/state.js';
import type { WorkingCalendar } from '../../shared/clock/index.js';
import { clockStatus } from '../../shared/clock/index.js';
import { DomainError } from '../../shared/errors.js';
import type { HybridLogicalClock } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';
import { syncSpan } from '../../shared/sync/spans.js';
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
      /** Told after a city decision commits, with the case's district (wakes that district's long-polling pulls). */
      onAppend?: (district: string) => void;
    },
  ) {}

  /** Stored bodies known to be validated (loaded `checked`, or checked at ingest): the fold skips zod for them. */
  private readonly validated = new WeakSet<object>();

  /**
   * Stores a batch from one origin; returns the case ids touched. Integrity problems raise an alarm and refuse all.
   * Set-based, a constant number of statements per batch: one lookup of the batch's ids and (origin, seq) slots, one
   * load of the touched cases' earlier events, one insert of the new events and one projection upsert per chunk of
   * cases (each parameter one JSON document: no per-element array escaping). Every touched case is folded once, from
   * its full event list (earlier events from the store, this batch's from memory, as stored). Events are validated
   * once here; those that are a fixed point of validation are marked `checked` and later folds skip re-validating
   * them. Pushes of one origin are serialised by an advisory lock; the acked watermark advances in the same
   * transaction.
   */
  async ingest(
    origin: string,
    district: string,
    batch: readonly CaseEvent[],
    opts: {
      /** Refuse (403, nothing stored) events of cases that are not this district's (checked under the lock). */
      authorizeDistrict?: string;
    } = {},
  ): Promise<{ applied: number; duplicates: number; caseIds: string[]; acked: number }> {
    try {
      return await this.deps.db.transaction(async (tx) => {
        let mark = performance.now();
        const lap = (name: string) => {
          const now = performance.now();
          syncSpan(name, now - mark);
          mark = now;
        };
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(origin)})`);
        // Who may write to a case, checked under the lock: a push pipelined behind another sees its cases.
        if (opts.authorizeDistrict !== undefined) await this.requireDistrictCases(tx, opts.authorizeDistrict, batch);
        const ids = [...new Set(batch.map((e) => e.id))];
        const seqs = [...new Set(batch.map((e) => e.seq))];
        const stored = new Map<string, unknown>();
        for (const r of await rowsOf<{ id: string; body: unknown }>(
          tx,
          sql`SELECT id, body FROM events WHERE id = ANY(${sql.param(ids)}::text[])`,
        ))
          stored.set(r.id, r.body);
        const slots = new Map<string, string>();
        for (const r of await rowsOf<{ id: string; seq: number }>(
          tx,
          sql`SELECT id, seq FROM events WHERE origin = ${origin} AND seq = ANY(${sql.param(seqs)}::int[])`,
        ))
          slots.set(`${origin}\u0000${r.seq}`, r.id);
        const fresh: CaseEvent[] = [];
        const seen = new Map<string, CaseEvent>();
        let duplicates = 0;
        for (const [i, e] of batch.entries()) {
          // Canonical forms only for an id met before (a replay): most batches carry none.
          const earlier = stored.has(e.id) ? stored.get(e.id) : seen.get(e.id);
          if (earlier !== undefined) {
            if (canonicalJson(earlier) !== canonicalJson(e))
              throw new IntegrityError(e, `events[${i}]: event ${e.id} already stored with different content`);
            duplicates += 1;
            continue;
          }
          const slot = `${e.origin}\u0000${e.seq}`;
          const holder = slots.get(slot);
          if (holder !== undefined && holder !== e.id)
            throw new IntegrityError(e, `events[${i}]: (${e.origin}, ${e.seq}) already names event ${holder}`);
          slots.set(slot, e.id);
          seen.set(e.id, e);
          fresh.push(e);
        }
        const touched = [...new Set(fresh.map((e) => e.caseId))];
        // Every stored event of the touched cases, read before this batch is inserted (its own are in memory).
        const earlier = await this.loadMany(tx, touched);
        lap('ingest.lookup');
        // One statement in flight while the next is prepared: folding a chunk of cases in JS overlaps PostgreSQL
        // inserting the events, or upserting the previous chunk of projections.
        let running: Promise<unknown> = Promise.resolve();
        const send = async (query: SQL) => {
          await running;
          running = tx.execute(query).then(() => undefined);
          running.catch(() => undefined); // awaited by the next send or at the end
        };
        if (fresh.length > 0) {
          // The rows exactly as stored (JSON round trip), each with whether it passed the full validation unchanged.
          const bodies = `[${fresh.map((e) => JSON.stringify(e)).join(',')}]`;
          const checked = fresh.map((e) => isValidationFixedPoint(e));
          await send(sql`
            INSERT INTO events (id, case_id, district, origin, seq, hlc, type, body, checked)
            SELECT b->>'id', b->>'caseId', ${district}, ${origin}, (b->>'seq')::int, b->>'hlc', b->>'type', b, c
            FROM jsonb_array_elements(${bodies}::jsonb) WITH ORDINALITY AS t(b, n)
            JOIN unnest(${sql.param(checked)}::boolean[]) WITH ORDINALITY AS k(c, n) USING (n)
            ORDER BY n`);
          for (const [i, e] of (JSON.parse(bodies) as CaseEvent[]).entries()) {
            const list = earlier.get(e.caseId) ?? [];
            list.push(e);
            earlier.set(e.caseId, list);
            if (checked[i]) this.validated.add(e);
          }
        }
        for (const e of fresh) this.deps.hlc.receive(e.hlc);
        for (const upsert of this.projections(touched, earlier, district)) await send(upsert);
        await running;
        lap('ingest.write');
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
          // validateEvent's output: a fixed point of validation, so later folds need not re-run zod over it.
          .values({
            id: e.id,
            caseId,
            district,
            origin: e.origin,
            seq: e.seq,
            hlc: e.hlc,
            type: e.type,
            body: e,
            checked: true,
          });
      await this.refold(tx, caseId, district);
      return { state, district };
    });
    this.deps.onAppend?.(state.district);
    return state.state;
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
    for (const upsert of this.projections([caseId], await this.loadMany(tx, [caseId]), district))
      await tx.execute(upsert);
  }

  /**
   * Every event of these cases as stored, by case. Bodies marked `checked` are remembered as validated (the fold
   * skips zod for them); the others are re-validated by the fold, as before.
   */
  private async loadMany(tx: Tx, caseIds: readonly string[]): Promise<Map<string, unknown[]>> {
    const byCase = new Map<string, unknown[]>();
    for (let i = 0; i < caseIds.length; i += LOAD_CHUNK) {
      const rows = await rowsOf<{ case_id: string; checked: boolean; body: CaseEvent }>(
        tx,
        sql`SELECT case_id, checked, body FROM events
            WHERE case_id = ANY(${sql.param(caseIds.slice(i, i + LOAD_CHUNK))}::text[])`,
      );
      for (const r of rows) {
        const list = byCase.get(r.case_id) ?? [];
        list.push(r.body);
        byCase.set(r.case_id, list);
        if (r.checked && typeof r.body === 'object' && r.body !== null) this.validated.add(r.body);
      }
    }
    return byCase;
  }

  /**
   * Folds each case once from its full event list; yields one projection upsert per chunk of cases, its rows as one
   * JSON document (`json_to_recordset`). A generator, so the caller can send a chunk before folding the next.
   */
  private *projections(
    caseIds: readonly string[],
    eventsByCase: ReadonlyMap<string, readonly unknown[]>,
    district: string,
  ): Generator<SQL> {
    const options = { validated: this.validated };
    for (let i = 0; i < caseIds.length; i += CHUNK) {
      const rows = caseIds.slice(i, i + CHUNK).map((caseId) => {
        const all = eventsByCase.get(caseId) ?? [];
        const state = foldCase(all, this.deps.foldConfig, options);
        return {
          id: caseId,
          district: state.district ?? district,
          case_number: state.caseNumber,
          status: state.status,
          category: state.category,
          conflicts: state.conflicts.length,
          provisional_pending: state.provisional.filter((p) => p.state === 'pending').length,
          updated_at: state.updatedAt,
          event_count: all.length,
          due: dueOf(state, this.deps.calendar),
          state,
        };
      });
      if (rows.length === 0) continue;
      yield sql`
        INSERT INTO cases (id, district, case_number, status, category, conflicts, provisional_pending, updated_at,
                           event_count, due, state)
        SELECT id, district, case_number, status, category, conflicts, provisional_pending, updated_at, event_count,
               due, state::jsonb
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS t(id text, district text, case_number text,
          status text, category text, conflicts int, provisional_pending int, updated_at text, event_count int,
          due bigint, state json)
        ON CONFLICT (id) DO UPDATE SET district = excluded.district, case_number = excluded.case_number,
          status = excluded.status, category = excluded.category, conflicts = excluded.conflicts,
          provisional_pending = excluded.provisional_pending, updated_at = excluded.updated_at,
          event_count = excluded.event_count, due = excluded.due, state = excluded.state`;
    }
  }

  /** Who may write to a case: only events of this district's cases (reported there, or stored as its case). */
  private async requireDistrictCases(tx: Tx, district: string, batch: readonly CaseEvent[]): Promise<void> {
    const reportedIn = new Map<string, string>();
    for (const [i, e] of batch.entries()) {
      if (e.type !== 'reported') continue;
      if (e.payload.district !== district)
        throw new DomainError(
          'forbidden',
          `events[${i}]: case ${e.caseId} belongs to district ${e.payload.district}, not ${district}`,
        );
      reportedIn.set(e.caseId, e.payload.district);
    }
    const others = [...new Set(batch.filter((e) => !reportedIn.has(e.caseId)).map((e) => e.caseId))];
    const stored = new Map<string, string>();
    if (others.length > 0)
      for (const r of await rowsOf<{ id: string; district: string }>(
        tx,
        sql`SELECT id, district FROM cases WHERE id = ANY(${sql.param(others)}::text[])`,
      ))
        stored.set(r.id, r.district);
    for (const [i, e] of batch.entries()) {
      const owner = reportedIn.get(e.caseId) ?? stored.get(e.caseId);
      if (owner !== district)
        throw new DomainError('forbidden', `events[${i}]: case ${e.caseId} is not a case of district ${district}`);
    }
  }
}

/** The rows of a raw query, on either driver (node-postgres and PGlite both answer `{ rows }`). */
async function rowsOf<T>(tx: Tx | CentralDb, query: SQL): Promise<T[]> {
  return ((await tx.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Projections per upsert statement (one JSON parameter each, a few MB). */
const CHUNK = 2000;
/** Case ids per load of their events. */
const LOAD_CHUNK = 5000;

/**
 * Whether a pushed event (its envelope already parsed by the push message schema) passes the full validation and
 * comes out unchanged: its payload is a fixed point of the payload schema (no defaults added, no keys stripped).
 */
function isValidationFixedPoint(e: CaseEvent): boolean {
  const schema = payloadSchemas[e.type] as z.ZodType | undefined;
  if (!schema) return false;
  const parsed = schema.safeParse(e.payload);
  return parsed.success && JSON.stringify(parsed.data) === JSON.stringify(e.payload);
}

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
