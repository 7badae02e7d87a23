import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { CaseEvent } from '../../shared/case/events.js';
import { dayDigests } from '../../shared/sync/digest.js';
import { pullResponseV1, pushAckV1, SYNC_MAX_BATCH } from '../../shared/sync/messages.js';
import type { CaseStore } from '../cases/case.store.js';
import type { EdgeDb } from '../db/open.js';
import { events, nodeState } from '../db/schema.js';

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
  /** Base of the retry backoff; the delay doubles per failure up to `maxBackoffMs`, with full jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export type LinkState = 'unknown' | 'up' | 'down';

/**
 * The edge's `sync` feature (DESIGN.md §4): pushes its own events past the acknowledged watermark (the outbox) and
 * pulls the city's, storing the pull cursor in the same transaction as the events. Failures are visible state.
 */
export class SyncFeature {
  link: LinkState = 'unknown';
  lastError: string | null = null;
  lastSyncAt: number | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: SyncFeatureDeps) {}

  start(intervalMs = 5_000): void {
    const loop = async () => {
      if (!this.timer) return;
      const ok = await this.syncOnce().then(
        () => true,
        () => false,
      );
      const base = this.deps.backoffMs ?? 1_000;
      const delay = ok
        ? intervalMs
        : Math.random() * Math.min(this.deps.maxBackoffMs ?? 60_000, base * 2 ** this.failures);
      this.timer = setTimeout(loop, delay);
      this.timer.unref();
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Push everything unacknowledged, then pull until caught up. Throws (and marks the link down) on failure. */
  async syncOnce(): Promise<{ pushed: number; pulled: number }> {
    if (this.running) return { pushed: 0, pulled: 0 };
    this.running = true;
    try {
      let pushed = 0;
      for (;;) {
        const n = await this.pushOnce();
        pushed += n;
        if (n === 0) break;
      }
      let pulled = 0;
      for (;;) {
        const r = await this.pullOnce();
        pulled += r.applied;
        if (!r.more) break;
      }
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
    const batch = this.deps.db
      .select({ body: events.body })
      .from(events)
      .where(and(eq(events.origin, this.deps.origin), gt(events.seq, acked)))
      .orderBy(asc(events.seq))
      .limit(Math.min(this.deps.batchSize ?? 200, SYNC_MAX_BATCH))
      .all()
      .map((r) => JSON.parse(r.body) as CaseEvent);
    if (batch.length === 0) return 0;
    const res = await this.call('POST', '/sync/v1/events', { v: 1, origin: this.deps.origin, events: batch });
    const ack = pushAckV1.parse(res);
    // The watermark only moves forward, and only on an acknowledgement: a lost answer means a harmless replay.
    if (ack.acked > acked) this.setState('sync.acked', String(ack.acked));
    return Math.max(0, ack.acked - acked);
  }

  async pullOnce(waitS = 0): Promise<{ applied: number; more: boolean }> {
    const cursor = this.state('sync.cursor');
    const query = new URLSearchParams({ wait: String(waitS), ...(cursor ? { cursor } : {}) });
    const page = pullResponseV1.parse(await this.call('GET', `/sync/v1/events?${query}`));
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
    };
  }

  /** Per-day digests of the events this edge holds, to compare with central's. */
  localDigest() {
    return dayDigests(this.deps.db.select({ id: events.id, hlc: events.hlc }).from(events).all());
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await this.deps.fetch(`${this.deps.centralUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.deps.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
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
