import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, asc, eq, gt, gte, inArray, isNull, lte, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { CaseEvent } from '../../shared/case/events.js';
import { DomainError } from '../../shared/errors.js';
import { decodeBlobBatch } from '../../shared/sync/blob-batch.js';
import { blobRefs } from '../../shared/sync/blob-refs.js';
import { dayDigests, hlcDayBounds } from '../../shared/sync/digest.js';
import type {
  BlobBatchResponseV1,
  BlobPutResponseV1,
  BlobsMissingResponseV1,
  DayIdsResponseV1,
  DigestResponseV1,
  FetchEventsResponseV1,
  PullResponseV1,
  PushAckV1,
} from '../../shared/sync/messages.js';
import {
  blobsMissingRequestV1,
  fetchEventsRequestV1,
  pushEventsV1,
  SYNC_MAX_BATCH,
  SYNC_MAX_BLOB_BATCH_BYTES,
  SYNC_MAX_BLOB_BYTES,
} from '../../shared/sync/messages.js';
import { syncSpan } from '../../shared/sync/spans.js';
import { formatPath } from '../../shared/validation.js';
import { appendAudit } from '../auth/audit.js';
import type { CentralDb } from '../db/open.js';
import { blobs, districtLinks, events, syncTokens } from '../db/schema.js';
import type { CentralCaseLog } from './case-log.js';

export interface SyncPeer {
  origin: string;
  district: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The receiving side of sync v1 (DESIGN.md §4): tokens bound to an origin, idempotent push, cursor pull, digests. */
export class SyncService {
  private readonly arrivals = new EventEmitter();
  private readonly tokenCache = new Map<string, { at: number; peer: SyncPeer }>();
  private readonly lastContact = new Map<string, { at: number; backlog: number | undefined }>();

  constructor(private readonly deps: { db: CentralDb; log: CentralCaseLog; now: () => number }) {
    this.arrivals.setMaxListeners(1000);
  }

  /** Wakes the district's long-polling pulls: new events of its cases were committed (a city decision). */
  notify(district: string): void {
    this.arrivals.emit(district);
  }

  /** Issues a token for a district's edge; the token is returned once and stored hashed. */
  async issueToken(origin: string, label: string): Promise<string> {
    const m = /^district:(\d{6})$/.exec(origin);
    if (!m?.[1]) throw new DomainError('invalid', 'origin: must be district:<6-digit division>', 'origin');
    const token = `wsync_${randomBytes(32).toString('base64url')}`;
    await this.deps.db.insert(syncTokens).values({ tokenHash: sha256(token), origin, district: m[1], label });
    return token;
  }

  /** The tokens issued (never the secrets): `id` is the first 16 hex digits of the stored hash. */
  async listTokens(): Promise<
    { id: string; origin: string; district: string; label: string; createdAt: string; revokedAt: string | null }[]
  > {
    const rows = await this.deps.db.select().from(syncTokens).orderBy(asc(syncTokens.createdAt));
    return rows.map((r) => ({
      id: r.tokenHash.slice(0, 16),
      origin: r.origin,
      district: r.district,
      label: r.label,
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
    }));
  }

  /**
   * Revokes a token by its id (listTokens): it stops working at once in this process (the cache entry is dropped)
   * and within TOKEN_TTL_MS in any other. Idempotent; returns the token as listed.
   */
  async revokeToken(
    id: string,
    actor: string,
    ip: string | null,
  ): Promise<{ id: string; origin: string; revokedAt: string }> {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new DomainError('invalid', 'id: must be the 16-hex id of a token', 'id');
    const match = (await this.deps.db.select().from(syncTokens)).filter((r) => r.tokenHash.startsWith(id));
    const row = match[0];
    if (!row || match.length > 1) throw new DomainError('not_found', `no sync token ${id}`);
    const revokedAt = row.revokedAt ?? new Date(this.deps.now());
    if (!row.revokedAt) {
      await this.deps.db.update(syncTokens).set({ revokedAt }).where(eq(syncTokens.tokenHash, row.tokenHash));
      await appendAudit(this.deps.db, {
        actor,
        action: 'sync.token_revoked',
        target: id,
        detail: { origin: row.origin },
        ip,
      });
    }
    this.tokenCache.delete(row.tokenHash);
    return { id, origin: row.origin, revokedAt: revokedAt.toISOString() };
  }

  async authenticate(bearer: string | undefined): Promise<SyncPeer> {
    if (!bearer) throw new DomainError('unauthenticated', 'sync needs a bearer token bound to an origin');
    const hash = sha256(bearer);
    // A few seconds of caching: a catch-up sends thousands of requests; a revocation takes effect within TOKEN_TTL_MS.
    const cached = this.tokenCache.get(hash);
    if (cached && this.deps.now() - cached.at < TOKEN_TTL_MS) return cached.peer;
    const row = (
      await this.deps.db
        .select({ origin: syncTokens.origin, district: syncTokens.district })
        .from(syncTokens)
        .where(and(eq(syncTokens.tokenHash, hash), isNull(syncTokens.revokedAt)))
    )[0];
    if (!row) throw new DomainError('unauthenticated', 'unknown or revoked sync token');
    if (this.tokenCache.size > 10_000) this.tokenCache.clear();
    this.tokenCache.set(hash, { at: this.deps.now(), peer: row });
    return row;
  }

  async push(peer: SyncPeer, body: unknown): Promise<PushAckV1> {
    const pushStart = performance.now();
    const msg = parse(pushEventsV1, body);
    syncSpan('push.zod', performance.now() - pushStart);
    if (msg.origin !== peer.origin)
      throw new DomainError('forbidden', `this token is bound to ${peer.origin}, not ${msg.origin}`);
    const batch = msg.events as CaseEvent[];
    for (const [i, e] of batch.entries())
      if (e.origin !== peer.origin)
        throw new DomainError('invalid', `events[${i}].origin: must be ${peer.origin}`, `events[${i}].origin`);
    const checksStart = performance.now();
    await this.requireBlobs(batch);
    syncSpan('push.checks', performance.now() - checksStart);
    // The district check runs inside the ingest's transaction, under the origin's lock (pipelined pushes).
    const { acked } = await this.deps.log.ingest(peer.origin, peer.district, batch, {
      authorizeDistrict: peer.district,
    });
    const now = new Date(this.deps.now());
    await this.deps.db
      .insert(districtLinks)
      .values({ district: peer.district, lastPushAt: now, acked })
      .onConflictDoUpdate({ target: districtLinks.district, set: { lastPushAt: now } });
    this.arrivals.emit(peer.district);
    return { v: 1, acked };
  }

  /**
   * Events of the district's cases written by other origins, after `cursor`. Long-polled: when nothing is new, the
   * answer is held until events of that district's cases commit (a city decision, another origin's push) or `waitMs`
   * (≤ 30 s) passes; then it answers with what there is, possibly nothing.
   */
  async pull(peer: SyncPeer, cursor: string | undefined, waitMs: number): Promise<PullResponseV1> {
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor))
      throw new DomainError('invalid', 'cursor: must be the cursor of a previous pull', 'cursor');
    const after = Number(cursor ?? '0');
    const deadline = Date.now() + Math.min(Math.max(waitMs, 0), MAX_WAIT_MS);
    // Listening before the first read: a commit between the read and the wait is not missed.
    let signalled = false;
    let wakeUp: (() => void) | undefined;
    const onArrival = () => {
      signalled = true;
      wakeUp?.();
    };
    if (waitMs > 0) this.arrivals.on(peer.district, onArrival);
    let page: Awaited<ReturnType<SyncService['page']>>;
    try {
      page = await this.page(peer, after);
      // Only this district's commits wake the pull; a wake-up that brought nothing for it (its own push) waits on.
      while (page.length === 0 && waitMs > 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        if (!signalled)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        wakeUp = undefined;
        if (!signalled) break; // the wait ran out
        signalled = false;
        page = await this.page(peer, after);
      }
    } finally {
      this.arrivals.off(peer.district, onArrival);
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

  /** Every authenticated call refreshes the district's link bookkeeping (and its outbox size, when the edge says). */
  async contact(peer: SyncPeer, backlogHeader: string | undefined): Promise<void> {
    const backlog = backlogHeader !== undefined && /^\d{1,9}$/.test(backlogHeader) ? Number(backlogHeader) : undefined;
    // At most one bookkeeping write per district and second (a catch-up sends thousands of requests).
    const last = this.lastContact.get(peer.district);
    if (last && this.deps.now() - last.at < 1_000 && (backlog === undefined || backlog === last.backlog)) return;
    this.lastContact.set(peer.district, { at: this.deps.now(), backlog });
    const now = new Date(this.deps.now());
    const set = { lastContactAt: now, ...(backlog !== undefined ? { backlog } : {}) };
    await this.deps.db
      .insert(districtLinks)
      .values({ district: peer.district, ...set })
      .onConflictDoUpdate({ target: districtLinks.district, set });
  }

  /** Stores a blob pushed by a district: size-capped, verified against its announced hash, idempotent. */
  async putBlob(peer: SyncPeer, sha256: string, bytes: Buffer, mime: string): Promise<BlobPutResponseV1> {
    if (!SHA256.test(sha256)) throw new DomainError('invalid', 'sha256: must be 64 lower-case hex digits', 'sha256');
    if (bytes.length > SYNC_MAX_BLOB_BYTES)
      throw new DomainError('too_large', `blob larger than ${SYNC_MAX_BLOB_BYTES} bytes`);
    if (bytes.length === 0) throw new DomainError('invalid', 'body: a blob cannot be empty', 'body');
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256)
      throw new DomainError('invalid', `body: content hashes to ${actual}, not the announced ${sha256}`, 'sha256');
    if (!/^[a-z]+\/[a-z0-9.+-]+$/i.test(mime) || mime.length > 100)
      throw new DomainError('invalid', 'content-type: must be a media type such as image/jpeg', 'content-type');
    const inserted = await this.deps.db
      .insert(blobs)
      .values({ sha256, district: peer.district, size: bytes.length, mime, bytes })
      .onConflictDoNothing()
      .returning({ sha256: blobs.sha256 });
    return { v: 1, sha256, size: bytes.length, created: inserted.length > 0 };
  }

  /**
   * Stores several blobs in one request and one statement (`POST /sync/v1/blobs/batch`): every blob is verified
   * against its announced hash first; one bad blob refuses the whole batch, nothing stored. Idempotent.
   */
  async putBlobs(peer: SyncPeer, body: Buffer): Promise<BlobBatchResponseV1> {
    if (body.length > SYNC_MAX_BLOB_BATCH_BYTES)
      throw new DomainError('too_large', `blob batch larger than ${SYNC_MAX_BLOB_BATCH_BYTES} bytes`);
    const decoded = decodeBlobBatch(body);
    if (!decoded.ok) throw new DomainError('invalid', `${decoded.field}: ${decoded.error}`, decoded.field);
    const rows = new Map<string, { sha256: string; district: string; size: number; mime: string; bytes: Buffer }>();
    for (const [i, b] of decoded.blobs.entries()) {
      const actual = createHash('sha256').update(b.bytes).digest('hex');
      if (actual !== b.sha256)
        throw new DomainError(
          'invalid',
          `blobs[${i}]: content hashes to ${actual}, not the announced ${b.sha256}`,
          `blobs[${i}].sha256`,
        );
      rows.set(b.sha256, {
        sha256: b.sha256,
        district: peer.district,
        size: b.bytes.length,
        mime: b.mime,
        bytes: b.bytes,
      });
    }
    const inserted = await this.deps.db
      .insert(blobs)
      .values([...rows.values()])
      .onConflictDoNothing()
      .returning({ sha256: blobs.sha256 });
    return { v: 1, created: inserted.length, stored: rows.size };
  }

  async missingBlobs(_peer: SyncPeer, body: unknown): Promise<BlobsMissingResponseV1> {
    const msg = parse(blobsMissingRequestV1, body);
    const want = [...new Set(msg.sha256)];
    if (want.length === 0) return { v: 1, missing: [] };
    const held = await this.deps.db.select({ sha256: blobs.sha256 }).from(blobs).where(inArray(blobs.sha256, want));
    const have = new Set(held.map((h) => h.sha256));
    return { v: 1, missing: want.filter((s) => !have.has(s)) };
  }

  /** A blob referenced by one of the district's cases (e.g. a photo the city attached), for that district only. */
  async getBlob(peer: SyncPeer, sha256: string): Promise<{ bytes: Buffer; mime: string }> {
    if (!SHA256.test(sha256)) throw new DomainError('invalid', 'sha256: must be 64 lower-case hex digits', 'sha256');
    const row = (
      await this.deps.db
        .select({ bytes: blobs.bytes, mime: blobs.mime, district: blobs.district })
        .from(blobs)
        .where(eq(blobs.sha256, sha256))
    )[0];
    if (!row || row.district !== peer.district)
      throw new DomainError('not_found', `no blob ${sha256} for this district`);
    return { bytes: row.bytes, mime: row.mime };
  }

  /** The ids of one day's events of the district (all origins): the second step of anti-entropy. */
  async dayIds(peer: SyncPeer, day: string): Promise<DayIdsResponseV1> {
    const rows = await this.deps.db
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          eq(events.district, peer.district),
          gte(events.hlc, hlcOfDay(day, 'from')),
          lte(events.hlc, hlcOfDay(day, 'to')),
        ),
      );
    return { v: 1, day, ids: rows.map((r) => r.id).sort() };
  }

  /** Events of the district by id (other origins only: an edge's own events come from its own log). */
  async fetchEvents(peer: SyncPeer, body: unknown): Promise<FetchEventsResponseV1> {
    const msg = parse(fetchEventsRequestV1, body);
    const rows = await this.deps.db
      .select({ body: events.body })
      .from(events)
      .where(and(eq(events.district, peer.district), ne(events.origin, peer.origin), inArray(events.id, msg.ids)))
      .orderBy(asc(events.pos));
    return { v: 1, events: rows.map((r) => r.body as CaseEvent) };
  }

  /** Blobs first: every photo an event references must already be stored (pushed before the event). */
  private async requireBlobs(batch: readonly CaseEvent[]): Promise<void> {
    const refs = [...new Set(batch.flatMap((e) => blobRefs(e)))];
    if (refs.length === 0) return;
    const held = await this.deps.db.select({ sha256: blobs.sha256 }).from(blobs).where(inArray(blobs.sha256, refs));
    const have = new Set(held.map((h) => h.sha256));
    const missing = refs.filter((r) => !have.has(r));
    if (missing.length > 0)
      throw new DomainError(
        'unprocessable',
        `blobs first: ${missing.length} referenced blob(s) not stored, e.g. ${missing[0]} (PUT /sync/v1/blobs/<sha256> before the events)`,
      );
  }

  private page(peer: SyncPeer, after: number) {
    return this.deps.db
      .select({ pos: events.pos, body: events.body })
      .from(events)
      .where(and(eq(events.district, peer.district), ne(events.origin, peer.origin), gt(events.pos, after)))
      .orderBy(asc(events.pos))
      .limit(SYNC_MAX_BATCH + 1);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const TOKEN_TTL_MS = 5_000;
/** Longest a pull is held open (the edge's request timeout must exceed it). */
const MAX_WAIT_MS = 30_000;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = formatPath(issue?.path ?? []);
    throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  return parsed.data;
}

function hlcOfDay(day: string, edge: 'from' | 'to'): string {
  const bounds = hlcDayBounds(day);
  if (!bounds) throw new DomainError('invalid', `${edge}: must be a real yyyymmdd date`, edge);
  return bounds[edge];
}
