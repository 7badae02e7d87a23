import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, asc, eq, gt, gte, isNull, lte, ne, sql } from 'drizzle-orm';
import type { CaseEvent } from '../../shared/case/events.js';
import { DomainError } from '../../shared/errors.js';
import { dayDigests } from '../../shared/sync/digest.js';
import type { DigestResponseV1, PullResponseV1, PushAckV1 } from '../../shared/sync/messages.js';
import { pushEventsV1, SYNC_MAX_BATCH } from '../../shared/sync/messages.js';
import { formatPath } from '../../shared/validation.js';
import type { CentralDb } from '../db/open.js';
import { cases, districtLinks, events, syncTokens } from '../db/schema.js';
import type { CentralCaseLog } from './case-log.js';

export interface SyncPeer {
  origin: string;
  district: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The receiving side of sync v1 (DESIGN.md §4): tokens bound to an origin, idempotent push, cursor pull, digests. */
export class SyncService {
  private readonly arrivals = new EventEmitter();

  constructor(private readonly deps: { db: CentralDb; log: CentralCaseLog; now: () => number }) {
    this.arrivals.setMaxListeners(1000);
  }

  /** Issues a token for a district's edge; the token is returned once and stored hashed. */
  async issueToken(origin: string, label: string): Promise<string> {
    const m = /^district:(\d{6})$/.exec(origin);
    if (!m?.[1]) throw new DomainError('invalid', 'origin: must be district:<6-digit division>', 'origin');
    const token = `wsync_${randomBytes(32).toString('base64url')}`;
    await this.deps.db.insert(syncTokens).values({ tokenHash: sha256(token), origin, district: m[1], label });
    return token;
  }

  async authenticate(bearer: string | undefined): Promise<SyncPeer> {
    if (!bearer) throw new DomainError('unauthenticated', 'sync needs a bearer token bound to an origin');
    const row = (
      await this.deps.db
        .select({ origin: syncTokens.origin, district: syncTokens.district })
        .from(syncTokens)
        .where(and(eq(syncTokens.tokenHash, sha256(bearer)), isNull(syncTokens.revokedAt)))
    )[0];
    if (!row) throw new DomainError('unauthenticated', 'unknown or revoked sync token');
    return row;
  }

  async push(peer: SyncPeer, body: unknown): Promise<PushAckV1> {
    const parsed = pushEventsV1.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = formatPath(issue?.path ?? []);
      throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
    }
    const msg = parsed.data;
    if (msg.origin !== peer.origin)
      throw new DomainError('forbidden', `this token is bound to ${peer.origin}, not ${msg.origin}`);
    const batch = msg.events as CaseEvent[];
    for (const [i, e] of batch.entries()) {
      if (e.origin !== peer.origin)
        throw new DomainError('invalid', `events[${i}].origin: must be ${peer.origin}`, `events[${i}].origin`);
      await this.requireDistrictCase(peer, batch, e, i);
    }
    await this.deps.log.ingest(peer.origin, peer.district, batch);
    const acked = await this.contiguous(peer.origin);
    const now = new Date(this.deps.now());
    await this.deps.db
      .insert(districtLinks)
      .values({ district: peer.district, lastPushAt: now, acked })
      .onConflictDoUpdate({ target: districtLinks.district, set: { lastPushAt: now, acked } });
    this.arrivals.emit('events');
    return { v: 1, acked };
  }

  /** Events of the district's cases written by other origins, after `cursor`, long-polled up to `waitMs`. */
  async pull(peer: SyncPeer, cursor: string | undefined, waitMs: number): Promise<PullResponseV1> {
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor))
      throw new DomainError('invalid', 'cursor: must be the cursor of a previous pull', 'cursor');
    const after = Number(cursor ?? '0');
    let page = await this.page(peer, after);
    if (page.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.arrivals.off('events', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(waitMs, 30_000));
        this.arrivals.on('events', done);
      });
      page = await this.page(peer, after);
    }
    const now = new Date(this.deps.now());
    await this.deps.db
      .insert(districtLinks)
      .values({ district: peer.district, lastPullAt: now })
      .onConflictDoUpdate({ target: districtLinks.district, set: { lastPullAt: now } });
    const returned = page.slice(0, SYNC_MAX_BATCH);
    const last = returned.at(-1);
    return {
      v: 1,
      events: returned.map((r) => r.body as CaseEvent),
      cursor: String(last?.pos ?? after),
      more: page.length > SYNC_MAX_BATCH,
    };
  }

  /** Per-day digests of every event of the district's cases (all origins), for anti-entropy. */
  async digest(peer: SyncPeer, from?: string, to?: string): Promise<DigestResponseV1> {
    const where = [eq(events.district, peer.district)];
    if (from) where.push(gte(events.hlc, hlcOfDay(from, 'from')));
    if (to) where.push(lte(events.hlc, hlcOfDay(to, 'to')));
    const rows = await this.deps.db
      .select({ id: events.id, hlc: events.hlc })
      .from(events)
      .where(and(...where));
    return { v: 1, days: dayDigests(rows) };
  }

  /** Who may write to a case: only events of the token's district (a case reported there or owned by it). */
  private async requireDistrictCase(
    peer: SyncPeer,
    batch: readonly CaseEvent[],
    e: CaseEvent,
    i: number,
  ): Promise<void> {
    if (e.type === 'reported') {
      if (e.payload.district !== peer.district)
        throw new DomainError(
          'forbidden',
          `events[${i}]: case ${e.caseId} belongs to district ${e.payload.district}, not ${peer.district}`,
        );
      return;
    }
    const stored = (await this.deps.db.select({ d: cases.district }).from(cases).where(eq(cases.id, e.caseId)))[0]?.d;
    const inBatch = batch.find((b) => b.caseId === e.caseId && b.type === 'reported');
    const district = stored ?? (inBatch?.type === 'reported' ? inBatch.payload.district : undefined);
    if (district !== peer.district)
      throw new DomainError('forbidden', `events[${i}]: case ${e.caseId} is not a case of district ${peer.district}`);
  }

  private page(peer: SyncPeer, after: number) {
    return this.deps.db
      .select({ pos: events.pos, body: events.body })
      .from(events)
      .where(and(eq(events.district, peer.district), ne(events.origin, peer.origin), gt(events.pos, after)))
      .orderBy(asc(events.pos))
      .limit(SYNC_MAX_BATCH + 1);
  }

  /** The highest seq N of an origin such that 1..N are all stored. */
  private async contiguous(origin: string): Promise<number> {
    const r = await this.deps.db.execute<{ acked: number | string | null }>(sql`
      SELECT CASE WHEN min(seq) > 1 THEN 0 ELSE coalesce((
        SELECT min(s.seq) FROM ${events} s WHERE s.origin = ${origin}
          AND NOT EXISTS (SELECT 1 FROM ${events} t WHERE t.origin = ${origin} AND t.seq = s.seq + 1)
      ), 0) END AS acked
      FROM ${events} WHERE origin = ${origin}`);
    const rows = (r as unknown as { rows: { acked: number | string | null }[] }).rows;
    return Number(rows[0]?.acked ?? 0);
  }
}

function hlcOfDay(day: string, edge: 'from' | 'to'): string {
  if (!/^\d{8}$/.test(day)) throw new DomainError('invalid', `${edge}: must be a yyyymmdd date`, edge);
  const ms = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new DomainError('invalid', `${edge}: must be a real date`, edge);
  const bound = edge === 'from' ? ms : ms + 86_400_000 - 1;
  return `${String(bound).padStart(15, '0')}.${edge === 'from' ? '00000' : '99999'}`;
}
