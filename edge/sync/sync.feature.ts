import { and, asc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import type { CaseEvent } from '../../shared/case/events.js';
import { encodeBlobBatch } from '../../shared/sync/blob-batch.js';
import { blobRefs } from '../../shared/sync/blob-refs.js';
import { dayDigests, hlcDayBounds, mismatchedDays } from '../../shared/sync/digest.js';
import {
  BLOB_BATCH_MEDIA_TYPE,
  blobBatchResponseV1,
  blobsMissingResponseV1,
  dayIdsResponseV1,
  digestResponseV1,
  fetchEventsResponseV1,
  pullResponseV1,
  pushAckV1,
  SYNC_MAX_BATCH,
  SYNC_MAX_PUSH_BATCH,
} from '../../shared/sync/messages.js';
import { syncSpan } from '../../shared/sync/spans.js';
import type { CaseStore } from '../cases/case.store.js';
import type { EdgeDb } from '../db/open.js';
import { blobs, events, nodeState } from '../db/schema.js';

/** Read access to the edge's blob store (edge/media/blob-store.ts): the bytes of a photo by its hash. */
export interface BlobSource {
  get(sha256: string): Buffer | undefined;
}

/** What the last anti-entropy round found and repaired. */
export interface RepairReport {
  at: number;
  days: string[];
  pushed: number;
  fetched: number;
  /** Differences it cannot repair from this side (e.g. an event of our origin that only central holds). */
  unrepairable: number;
}

export interface SyncFeatureDeps {
  db: EdgeDb;
  store: CaseStore;
  /** This edge's origin, e.g. `district:320481`. */
  origin: string;
  centralUrl: string;
  token: string;
  /** Injected so tests can put the real central app (or a failing link) behind it. */
  fetch: typeof fetch;
  now: () => number;
  batchSize?: number;
  /**
   * Batch size while catching up (outbox larger than 4 batches): central folds each touched case once per batch, so
   * after an outage fewer, larger batches cut its work (test/bench/sync.bench.ts). Default 10,000 (and at most 8 MiB
   * of JSON per batch).
   */
  catchUpBatchSize?: number;
  /** Base of the retry backoff; the delay doubles per failure up to `maxBackoffMs`, with full jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The edge's blob store: photos are pushed before the events that reference them. */
  blobs?: BlobSource;
  /** Anti-entropy: compare per-day digests at most this often (and after every reconnect). Default 5 minutes. */
  repairEveryMs?: number;
  /** Abort a request that has not answered in this time (a black-holed link must not hang the loop). */
  requestTimeoutMs?: number;
}

/** Bytes of photos per blob batch request (a photo larger than this goes alone, by PUT). */
const BLOB_PACK_BYTES = 4 * 1024 * 1024;
/** JSON bytes per push batch: well under central's 16 MiB body limit, whatever the events carry. */
const PUSH_BYTES = 8 * 1024 * 1024;

export type LinkState = 'unknown' | 'up' | 'down';

/**
 * The edge's `sync` feature (DESIGN.md §4): pushes its own events past the acknowledged watermark (the outbox) and
 * pulls the city's, storing the pull cursor in the same transaction as the events. Failures are visible state.
 */
export class SyncFeature {
  link: LinkState = 'unknown';
  lastError: string | null = null;
  lastSyncAt: number | null = null;
  lastRepair: RepairReport | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inflight: Promise<unknown> | null = null;
  private lastRepairAt = Number.NEGATIVE_INFINITY;
  private stopped = true;
  private aborter = new AbortController();

  constructor(private readonly deps: SyncFeatureDeps) {}

  start(intervalMs = 5_000): void {
    this.stopped = false;
    this.aborter = new AbortController();
    const loop = async () => {
      if (this.stopped) return;
      // A round, then (link up) a long-polled pull that central holds until the city writes to one of our cases or
      // the interval passes: the city's decisions arrive at once, our own events go out at least every interval.
      const longPoll = intervalMs >= 1_000;
      const run = this.syncOnce().then(
        async () => (longPoll && !this.stopped ? this.waitForCity(intervalMs) : true),
        () => false,
      );
      this.inflight = run;
      const ok = await run;
      this.inflight = null;
      if (this.stopped) return;
      const base = this.deps.backoffMs ?? 1_000;
      const delay = ok
        ? longPoll
          ? 0
          : intervalMs
        : Math.random() * Math.min(this.deps.maxBackoffMs ?? 60_000, base * 2 ** this.failures);
      this.timer = setTimeout(loop, delay);
      this.timer.unref();
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  /** Stops the loop and waits for a round in flight (aborting its requests), so the store can close safely. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.aborter.abort();
    await this.inflight?.catch(() => undefined);
    this.aborter = new AbortController(); // a later syncOnce (or start) must not inherit the aborted signal
  }

  /**
   * Push everything unacknowledged (blobs first), pull until caught up, and — after a reconnect or every
   * `repairEveryMs` — compare per-day digests and repair the days that differ. Throws (link down) on failure.
   */
  async syncOnce(): Promise<{ pushed: number; pulled: number }> {
    if (this.running) return { pushed: 0, pulled: 0 };
    this.running = true;
    const wasUp = this.link === 'up';
    try {
      let pushed = 0;
      for (;;) {
        const n = await this.pushAll();
        pushed += n;
        if (n === 0) break;
      }
      const pullStart = performance.now();
      let pulled = 0;
      for (;;) {
        const r = await this.pullOnce();
        pulled += r.applied;
        if (!r.more) break;
      }
      const repairStart = performance.now();
      syncSpan('edge.pull', repairStart - pullStart);
      if (!wasUp || this.deps.now() - this.lastRepairAt >= (this.deps.repairEveryMs ?? 300_000)) await this.repair();
      syncSpan('edge.repair', performance.now() - repairStart);
      this.link = 'up';
      this.failures = 0;
      this.lastError = null;
      this.lastSyncAt = this.deps.now();
      return { pushed, pulled };
    } catch (err) {
      this.link = 'down';
      this.failures += 1;
      this.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      this.running = false;
    }
  }

  /** One batch of the outbox; returns how many events the central newly acknowledged. */
  async pushOnce(): Promise<number> {
    const acked = this.watermark();
    const batch = this.readOutbox(acked, this.batchSizeFor(this.backlogAfter(acked)));
    if (batch.length === 0) return 0;
    const ack = await this.pushEvents(batch);
    return Math.max(0, ack - acked);
  }

  /**
   * The whole outbox in order, two batches in flight: while central ingests one batch, the next one's photos are
   * uploaded and its events sent (central serialises one origin's pushes under a lock; the second batch's parsing
   * and checks overlap the first one's database work). Returns how many events central newly acknowledged; a gap
   * (an ack short of a batch) ends the round, and the next round resumes from the ack.
   */
  private async pushAll(): Promise<number> {
    const start = this.watermark();
    const size = this.batchSizeFor(this.backlogAfter(start));
    let after = start;
    let previous: Promise<number> | undefined;
    try {
      for (;;) {
        const batch = this.readOutbox(after, size);
        const last = batch.at(-1);
        if (!last) break;
        after = last.seq;
        await this.pushBlobs(batch);
        const sending = this.postEvents(batch);
        sending.catch(() => undefined); // awaited in turn below
        if (previous) await previous;
        previous = sending;
      }
      if (previous) await previous;
    } catch (err) {
      await previous?.catch(() => undefined); // nothing of this round may still run after it failed
      throw err;
    }
    return Math.max(0, this.watermark() - start);
  }

  private backlogAfter(acked: number): number {
    return (
      this.deps.db
        .select({ n: sql<number>`count(*)` })
        .from(events)
        .where(and(eq(events.origin, this.deps.origin), gt(events.seq, acked)))
        .get()?.n ?? 0
    );
  }

  private batchSizeFor(backlog: number): number {
    const normal = Math.min(this.deps.batchSize ?? 500, SYNC_MAX_PUSH_BATCH);
    return backlog > 4 * normal ? Math.min(this.deps.catchUpBatchSize ?? 10_000, SYNC_MAX_PUSH_BATCH) : normal;
  }

  /** Our own events after `after` in seq order: at most `size`, and at most PUSH_BYTES of JSON (one at least). */
  private readOutbox(after: number, size: number): CaseEvent[] {
    const readStart = performance.now();
    const rows = this.deps.db
      .select({ body: events.body })
      .from(events)
      .where(and(eq(events.origin, this.deps.origin), gt(events.seq, after)))
      .orderBy(asc(events.seq))
      .limit(size)
      .all();
    const batch: CaseEvent[] = [];
    let bytes = 0;
    for (const r of rows) {
      bytes += Buffer.byteLength(r.body);
      if (bytes > PUSH_BYTES && batch.length > 0) break;
      batch.push(JSON.parse(r.body) as CaseEvent);
    }
    syncSpan('edge.read', performance.now() - readStart);
    return batch;
  }

  /** Blobs first, then the events; the watermark only moves forward, and only on an acknowledgement. */
  private async pushEvents(batch: readonly CaseEvent[]): Promise<number> {
    await this.pushBlobs(batch);
    return this.postEvents(batch);
  }

  /** Sends a batch whose blobs central holds; on the ack, moves the watermark forward (never back). */
  private async postEvents(batch: readonly CaseEvent[]): Promise<number> {
    const eventsStart = performance.now();
    const res = await this.call('POST', '/sync/v1/events', { v: 1, origin: this.deps.origin, events: batch });
    syncSpan('edge.pushCall', performance.now() - eventsStart);
    const ack = pushAckV1.parse(res);
    // A lost answer means a harmless replay of the same batch.
    if (ack.acked > this.watermark()) this.setState('sync.acked', String(ack.acked));
    return ack.acked;
  }

  /**
   * Uploads the photos the batch references (and the originals they were rendered from, the evidence) that central
   * does not hold yet. A referenced photo missing here stops the push with a visible error instead of sending an
   * event central would refuse.
   */
  private async pushBlobs(batch: readonly CaseEvent[]): Promise<number> {
    const blobsStart = performance.now();
    try {
      return await this.uploadBlobs(batch);
    } finally {
      syncSpan('edge.blobs', performance.now() - blobsStart);
    }
  }

  private async uploadBlobs(batch: readonly CaseEvent[]): Promise<number> {
    const refs = [...new Set(batch.flatMap((e) => blobRefs(e)))];
    if (refs.length === 0) return 0;
    const rows = this.deps.db
      .select({ sha256: blobs.sha256, mime: blobs.mime, source: blobs.sourceSha256 })
      .from(blobs)
      .where(inArray(blobs.sha256, refs))
      .all();
    const meta = new Map(rows.map((r) => [r.sha256, r.mime]));
    const originals = rows.map((r) => r.source).filter((s): s is string => !!s && !meta.has(s));
    if (originals.length > 0)
      for (const r of this.deps.db
        .select({ sha256: blobs.sha256, mime: blobs.mime })
        .from(blobs)
        .where(inArray(blobs.sha256, originals))
        .all())
        meta.set(r.sha256, r.mime);
    const wanted = [...new Set([...refs, ...originals])];
    let uploaded = 0;
    for (let i = 0; i < wanted.length; i += SYNC_MAX_BATCH) {
      const chunk = wanted.slice(i, i + SYNC_MAX_BATCH);
      const { missing } = blobsMissingResponseV1.parse(
        await this.call('POST', '/sync/v1/blobs/missing', { v: 1, sha256: chunk }),
      );
      // Packed into batch requests (photos are small; one request each cost more than the rest of a catch-up), a
      // few in flight at once; a blob too big to share a request goes alone by PUT.
      const packs: { sha256: string; mime: string; bytes: Buffer }[][] = [];
      let pack: { sha256: string; mime: string; bytes: Buffer }[] = [];
      let packBytes = 0;
      const singles: { sha256: string; mime: string; bytes: Buffer }[] = [];
      for (const sha of missing) {
        const bytes = this.deps.blobs?.get(sha);
        if (!bytes) {
          if (!refs.includes(sha)) continue; // an original we no longer hold: events name the published copy
          throw new Error(`sync: photo ${sha} is referenced by an event but missing from this edge's blob store`);
        }
        const blob = { sha256: sha, mime: meta.get(sha) ?? 'application/octet-stream', bytes };
        if (bytes.length > BLOB_PACK_BYTES) {
          singles.push(blob);
          continue;
        }
        if (packBytes + bytes.length > BLOB_PACK_BYTES) {
          packs.push(pack);
          pack = [];
          packBytes = 0;
        }
        pack.push(blob);
        packBytes += bytes.length;
      }
      if (pack.length > 0) packs.push(pack);
      const jobs: (() => Promise<unknown>)[] = [
        ...packs.map((p) => async () => {
          blobBatchResponseV1.parse(
            await this.call('POST', '/sync/v1/blobs/batch', encodeBlobBatch(p), BLOB_BATCH_MEDIA_TYPE),
          );
          uploaded += p.length;
        }),
        ...singles.map((b) => async () => {
          await this.call('PUT', `/sync/v1/blobs/${b.sha256}`, b.bytes, b.mime);
          uploaded += 1;
        }),
      ];
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) await (jobs[next++] as () => Promise<unknown>)();
      };
      await Promise.all(Array.from({ length: Math.min(2, jobs.length) }, worker));
    }
    return uploaded;
  }

  /**
   * Anti-entropy (DESIGN.md §4): per-day digests of both sides are compared; for each day that differs the ids are
   * compared, our own events central lacks are pushed again (central may have been restored from an older backup),
   * and events of other origins we lack are fetched by id and ingested. Divergence is repaired, not assumed away.
   */
  async repair(): Promise<RepairReport> {
    const remote = digestResponseV1.parse(await this.call('GET', '/sync/v1/digest'));
    const days = mismatchedDays(this.localDigest(), remote.days);
    let pushed = 0;
    let fetched = 0;
    let unrepairable = 0;
    for (const day of days) {
      const theirs = new Set(dayIdsResponseV1.parse(await this.call('GET', `/sync/v1/digest/${day}`)).ids);
      const bounds = hlcDayBounds(day);
      if (!bounds) continue;
      const ours = this.deps.db
        .select({ id: events.id, origin: events.origin, seq: events.seq })
        .from(events)
        .where(and(gte(events.hlc, bounds.from), lte(events.hlc, bounds.to)))
        .all();
      const ourIds = new Set(ours.map((e) => e.id));
      const toPush = ours
        .filter((e) => !theirs.has(e.id) && e.origin === this.deps.origin)
        .sort((a, b) => a.seq - b.seq);
      unrepairable += ours.filter((e) => !theirs.has(e.id) && e.origin !== this.deps.origin).length;
      const toFetch = [...theirs].filter((id) => !ourIds.has(id));
      for (let i = 0; i < toPush.length; i += SYNC_MAX_BATCH) {
        const ids = toPush.slice(i, i + SYNC_MAX_BATCH).map((e) => e.id);
        const batch = this.deps.db
          .select({ body: events.body })
          .from(events)
          .where(inArray(events.id, ids))
          .orderBy(asc(events.seq))
          .all()
          .map((r) => JSON.parse(r.body) as CaseEvent);
        await this.pushEvents(batch);
        pushed += batch.length;
      }
      for (let i = 0; i < toFetch.length; i += SYNC_MAX_BATCH) {
        const page = fetchEventsResponseV1.parse(
          await this.call('POST', '/sync/v1/events/fetch', { v: 1, ids: toFetch.slice(i, i + SYNC_MAX_BATCH) }),
        );
        // Our own events never come back from elsewhere (the store refuses them): count them as unrepairable here.
        const foreign = page.events.filter((e) => e.origin !== this.deps.origin);
        unrepairable += toFetch.slice(i, i + SYNC_MAX_BATCH).length - foreign.length;
        if (foreign.length > 0)
          fetched += this.deps.store.ingest(foreign, {
            actor: { userId: 'sync', role: 'system' },
            action: 'sync.repair',
          }).applied;
      }
    }
    this.lastRepairAt = this.deps.now();
    this.lastRepair = { at: this.lastRepairAt, days, pushed, fetched, unrepairable };
    if (days.length > 0)
      console.log(JSON.stringify({ level: 'warn', msg: 'sync: digests differed, repaired', ...this.lastRepair }));
    return this.lastRepair;
  }

  /**
   * One long-polled pull (DESIGN.md §4 `wait=`): held by central up to `waitMs` (at most 25 s) while nothing is new.
   * Returns whether it succeeded; a failure is link state like a failed round (the loop backs off).
   */
  private async waitForCity(waitMs: number): Promise<boolean> {
    try {
      await this.pullOnce(Math.min(waitMs, 25_000) / 1000);
      return true;
    } catch (err) {
      if (this.stopped) return true;
      this.link = 'down';
      this.failures += 1;
      this.lastError = err instanceof Error ? err.message : String(err);
      return false;
    }
  }

  /**
   * One page of the city's events after the stored cursor, applied with the new cursor in one transaction. With
   * `waitS` > 0 central holds the request until there is something (or the wait passes).
   */
  async pullOnce(waitS = 0): Promise<{ applied: number; more: boolean }> {
    const cursor = this.state('sync.cursor');
    const query = new URLSearchParams({ wait: String(waitS), ...(cursor ? { cursor } : {}) });
    const page = pullResponseV1.parse(
      await this.call('GET', `/sync/v1/events?${query}`, undefined, undefined, waitS * 1000),
    );
    let applied = 0;
    this.deps.db.$client.transaction(() => {
      if (page.events.length > 0) {
        applied = this.deps.store.ingest(page.events, {
          actor: { userId: 'sync', role: 'system' },
          action: 'sync.pull',
        }).applied;
      }
      this.setState('sync.cursor', page.cursor);
    })();
    return { applied, more: page.more };
  }

  /** Link state, outbox size and the age of the oldest unsynced event (API and `/metrics`). */
  status(): {
    link: LinkState;
    backlog: number;
    oldestUnsyncedAgeMs: number | null;
    lastError: string | null;
    lastSyncAt: number | null;
    lastRepair: RepairReport | null;
  } {
    const acked = this.watermark();
    const row = this.deps.db
      .select({ n: sql<number>`count(*)`, oldest: sql<string | null>`min(${events.at})` })
      .from(events)
      .where(and(eq(events.origin, this.deps.origin), gt(events.seq, acked)))
      .get();
    const oldest = row?.oldest ? Date.parse(row.oldest) : null;
    return {
      link: this.link,
      backlog: row?.n ?? 0,
      oldestUnsyncedAgeMs: oldest === null ? null : this.deps.now() - oldest,
      lastError: this.lastError,
      lastSyncAt: this.lastSyncAt,
      lastRepair: this.lastRepair,
    };
  }

  /** Per-day digests of the events this edge holds, to compare with central's. */
  localDigest() {
    return dayDigests(this.deps.db.select({ id: events.id, hlc: events.hlc }).from(events).all());
  }

  private async call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    mime?: string,
    /** How long central may hold the request on purpose (a long poll), on top of the request timeout. */
    heldMs = 0,
  ): Promise<unknown> {
    const raw = Buffer.isBuffer(body);
    const timeout = AbortSignal.timeout((this.deps.requestTimeoutMs ?? 30_000) + heldMs);
    const res = await this.deps.fetch(`${this.deps.centralUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.deps.token}`,
        ...(path.startsWith('/sync/v1/events') ? { 'x-wanmi-backlog': String(this.status().backlog) } : {}),
        ...(body ? { 'content-type': raw ? (mime ?? 'application/octet-stream') : 'application/json' } : {}),
      },
      ...(body ? { body: raw ? new Uint8Array(body) : JSON.stringify(body) } : {}),
      signal: AbortSignal.any([timeout, this.aborter.signal]),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sync ${method} ${path.split('?')[0]}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  private watermark(): number {
    return Number(this.state('sync.acked') ?? '0');
  }

  private state(key: string): string | undefined {
    return this.deps.db.select({ value: nodeState.value }).from(nodeState).where(eq(nodeState.key, key)).get()?.value;
  }

  private setState(key: string, value: string): void {
    this.deps.db
      .insert(nodeState)
      .values({ key, value })
      .onConflictDoUpdate({ target: nodeState.key, set: { value } })
      .run();
  }
}
