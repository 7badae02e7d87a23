import { createHash } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { FoldConfig } from '../../shared/case/config.js';
import type { CaseEvent, CaseEventType } from '../../shared/case/events.js';
import { validateEvent } from '../../shared/case/events.js';
import { canonicalJson, foldCase } from '../../shared/case/fold.js';
import type { ActorRef, CaseState } from '../../shared/case/state.js';
import { DomainError } from '../../shared/errors.js';
import type { HybridLogicalClock } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';
import type { CentralDb } from '../db/open.js';
import { cases, events, integrityAlarms } from '../db/schema.js';

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
    },
  ) {}

  /** Stores a batch from one origin; returns the case ids touched. Integrity problems raise an alarm and refuse all. */
  async ingest(
    origin: string,
    district: string,
    batch: readonly CaseEvent[],
  ): Promise<{ applied: number; duplicates: number; caseIds: string[] }> {
    try {
      return await this.deps.db.transaction(async (tx) => {
        const touched = new Set<string>();
        let applied = 0;
        let duplicates = 0;
        for (const [i, e] of batch.entries()) {
          const existing = await tx
            .select({ id: events.id, seq: events.seq, origin: events.origin, body: events.body })
            .from(events)
            .where(eq(events.id, e.id));
          const same = existing[0];
          if (same) {
            if (canonicalJson(same.body) !== canonicalJson(e))
              throw new IntegrityError(e, `events[${i}]: event ${e.id} already stored with different content`);
            duplicates += 1;
            continue;
          }
          const slot = await tx
            .select({ id: events.id })
            .from(events)
            .where(and(eq(events.origin, e.origin), eq(events.seq, e.seq)));
          if (slot[0])
            throw new IntegrityError(e, `events[${i}]: (${e.origin}, ${e.seq}) already names event ${slot[0].id}`);
          await tx
            .insert(events)
            .values({ id: e.id, caseId: e.caseId, district, origin, seq: e.seq, hlc: e.hlc, type: e.type, body: e });
          this.deps.hlc.receive(e.hlc);
          touched.add(e.caseId);
          applied += 1;
        }
        for (const caseId of touched) await this.refold(tx, caseId, district);
        return { applied, duplicates, caseIds: [...touched] };
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

  /** A city decision (一级监督): appended as the city origin, refused when the fold would refuse it. */
  async append(
    caseId: string,
    drafts: readonly { type: CaseEventType; payload: unknown }[],
    actor: ActorRef,
  ): Promise<CaseState> {
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${advisoryKey(this.deps.cityOrigin)})`);
      const existing = await this.load(tx, caseId);
      if (existing.length === 0) throw new DomainError('not_found', `case ${caseId} does not exist`);
      const district = (await tx.select({ d: cases.district }).from(cases).where(eq(cases.id, caseId)))[0]?.d ?? '';
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
          id: newId(),
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
    const all = await this.load(tx, caseId);
    const state = foldCase(all, this.deps.foldConfig);
    const row = {
      id: caseId,
      district: state.district ?? district,
      caseNumber: state.caseNumber,
      status: state.status,
      category: state.category,
      conflicts: state.conflicts.length,
      provisionalPending: state.provisional.filter((p) => p.state === 'pending').length,
      updatedAt: state.updatedAt,
      eventCount: all.length,
      state,
    };
    await tx.insert(cases).values(row).onConflictDoUpdate({ target: cases.id, set: row });
  }
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
