import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PositionRow } from './tracks.store.js';

/** Numbers per position row in the transfer buffer: device, ts, lat, lon, speed, heading, acc, flags, receivedAt. */
const FIELDS = 9;
/** Young generation of the writer thread's V8 heap (see the constructor). */
const WRITER_YOUNG_GENERATION_MB = 4;
/**
 * SQLite page cache of the writer's connection, KiB: the inserts touch one index leaf per active device (500 × 4 KiB)
 * and the table's last pages; more only sits in RSS.
 */
const WRITER_CACHE_KIB = 4000;
/** Longest wait before starting another writer thread after one died (doubling from 1 s). */
const MAX_RESTART_DELAY_MS = 30_000;
/** Spare batch buffers kept for reuse (each batchSize × 9 numbers). */
const MAX_FREE_BUFFERS = 16;
/** Rows per multi-row INSERT (9 × 50 = 450 parameters, far under SQLite's limit). */
const MULTI = 50;

// Plain CommonJS run by `new Worker(..., { eval: true })`: no TypeScript loader needed in the thread, whatever runs
// the main one (tsx, vitest, the tsc build). better-sqlite3 is required by its resolved path.
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -${WRITER_CACHE_KIB}');
const head = 'INSERT OR IGNORE INTO positions (device_id, ts, lat, lon, speed, heading, acc, flags, received_at) VALUES ';
const tuple = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
const insert = db.prepare(head + tuple);
// ${MULTI} rows per statement: one statement step per ${MULTI} rows instead of per row (same rows, same OR IGNORE).
const insertMany = db.prepare(head + Array(${MULTI}).fill(tuple).join(', '));
const args = new Array(${MULTI * FIELDS});
const n2n = (v) => (Number.isNaN(v) ? null : v);
const write = db.transaction((a, n) => {
  let written = 0;
  let i = 0;
  for (; i + ${MULTI} <= n; i += ${MULTI}) {
    const o = i * ${FIELDS};
    for (let k = 0; k < ${MULTI * FIELDS}; k++) args[k] = n2n(a[o + k]);
    written += insertMany.run(args).changes;
  }
  for (; i < n; i++) {
    const o = i * ${FIELDS};
    written += insert.run(a[o], a[o + 1], a[o + 2], a[o + 3], n2n(a[o + 4]), n2n(a[o + 5]), n2n(a[o + 6]), a[o + 7], a[o + 8]).changes;
  }
  return written;
});
const firstRow = db.prepare('SELECT rowid AS id, received_at AS receivedAt FROM positions WHERE rowid >= ? ORDER BY rowid LIMIT 1');
const prune = db.prepare('DELETE FROM positions WHERE rowid >= ? AND rowid < ? AND received_at < ?');
parentPort.on('message', (m) => {
  if (m.prune) {
    // Same step as TracksStore.pruneStep, on this connection so that the main thread never waits for the lock.
    try {
      const { from, span, before } = m.prune;
      const first = firstRow.get(from);
      if (!first || first.receivedAt >= before) return parentPort.postMessage({ id: m.id, deleted: 0, next: null });
      const deleted = prune.run(first.id, first.id + span, before).changes;
      const after = firstRow.get(first.id + span);
      parentPort.postMessage({ id: m.id, deleted, next: after && after.receivedAt < before ? after.id : null });
    } catch (error) {
      parentPort.postMessage({ id: m.id, error: String(error) });
    }
    return;
  }
  if (m.close) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    const written = write(new Float64Array(m.buf), m.n);
    parentPort.postMessage({ id: m.id, written, buf: m.buf }, [m.buf]); // the buffer goes back for reuse
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error), buf: m.buf, n: m.n }, [m.buf]);
  }
});
`;

/** What the thread posts back: a batch's or a retention step's answer (with the batch buffer, for reuse). */
interface WriterAnswer {
  id?: number;
  written?: number;
  error?: string;
  deleted?: number;
  next?: number | null;
  buf?: ArrayBuffer;
}

export interface PersistResult {
  written: number;
}

/**
 * Batched position inserts on a worker thread with its own connection to tracks.db (WAL: readers and the main
 * connection's small writes go on). Rows are packed into a Float64Array whose buffer is transferred, not copied.
 * The main thread keeps decoding and running the pipeline while the worker commits, which on two cores is the
 * difference between the ingest and the broker being the bottleneck.
 */
export class PersistWorker {
  private worker: Worker;
  private buf: Float64Array;
  private n = 0;
  private nextId = 1;
  /** Batches handed over and not yet committed, kept until their answer: a replacement thread is sent them again. */
  private readonly inflight = new Map<number, { rows: Float64Array; n: number }>();
  private readonly free: Float64Array[] = [];
  private readonly prunes = new Map<number, (r: { deleted: number; next: number | undefined } | Error) => void>();
  private waiters: (() => void)[] = [];
  private closed = false;
  /** The thread has died and its replacement is not started yet: batches wait in `inflight`. */
  private dead = false;
  private restartDelayMs = 0;
  private readonly sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
  failedBatches = 0;
  /** Times the thread died and was replaced (its batches re-sent: INSERT OR IGNORE makes a second write a no-op). */
  restarts = 0;

  constructor(
    private readonly file: string,
    private readonly batchSize: number,
    private readonly onResult: (r: { written: number; rows: number } | { error: string; rows: number }) => void,
    private readonly log: (entry: Record<string, unknown>) => void = (entry) => console.error(JSON.stringify(entry)),
  ) {
    this.buf = new Float64Array(batchSize * FIELDS);
    this.worker = this.spawn();
  }

  /**
   * Starts the writer thread. A thread that dies (a crash in the native driver, an out-of-memory kill of its heap)
   * is replaced at once and given every batch it had not answered; without that, the ingest would hold its PUBACKs
   * for good, waiting for commits that never come.
   */
  private spawn(): Worker {
    const worker = new Worker(source, {
      eval: true,
      workerData: { file: this.file, sqlitePath: this.sqlitePath },
      // The thread keeps nothing but a statement's arguments: a small young generation is enough, and its default
      // (grown to tens of MB under a steady stream of boxed numbers) is resident memory for the appliance's life.
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (m: WriterAnswer) => this.answer(m));
    // After the listener: adding a 'message' listener refs the worker's port again, which kept a process that built
    // an edge without starting it (wanmi demo seed) from ever exiting.
    worker.unref();
    worker.on('error', (error) => this.onResult({ error: String(error), rows: 0 }));
    worker.on('exit', (code) => {
      if (this.closed || this.worker !== worker) return;
      this.dead = true;
      for (const [id, done] of this.prunes) {
        this.prunes.delete(id);
        done(new Error('gps writer thread died during a retention step'));
      }
      // At once the first time; a thread that keeps dying (say, tracks.db cannot be opened) is retried with backoff.
      const delay = this.restartDelayMs;
      this.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, Math.max(1_000, delay * 2));
      this.log({
        level: 'error',
        msg: 'gps writer thread died: replacing it, unanswered batches go to the new one',
        code,
        batches: this.inflight.size,
        retryInMs: delay,
      });
      setTimeout(() => {
        if (this.closed) return;
        this.restarts += 1;
        this.worker = this.spawn();
        this.dead = false;
        for (const [id, batch] of this.inflight) this.send(id, batch);
      }, delay).unref();
    });
    return worker;
  }

  private answer(m: WriterAnswer): void {
    if (m.buf) this.recycle(new Float64Array(m.buf));
    if (m.id === undefined) return;
    const pruned = this.prunes.get(m.id);
    if (pruned) {
      this.prunes.delete(m.id);
      pruned(m.error !== undefined ? new Error(m.error) : { deleted: m.deleted ?? 0, next: m.next ?? undefined });
      return;
    }
    const batch = this.inflight.get(m.id);
    if (!batch) return;
    this.inflight.delete(m.id);
    this.recycle(batch.rows);
    if (m.error !== undefined) {
      this.failedBatches += 1;
      this.onResult({ error: m.error, rows: batch.n });
    } else {
      this.restartDelayMs = 0; // a thread that commits is healthy again
      this.onResult({ written: m.written ?? 0, rows: batch.n });
    }
    if (this.inflight.size === 0 && this.waiters.length > 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    }
  }

  /** Posts a copy of the batch's rows (transferred); the batch itself stays here until it is answered. */
  private send(id: number, batch: { rows: Float64Array; n: number }): void {
    if (this.dead) return; // sent by the replacement when it starts
    const copy = this.take();
    copy.set(batch.rows.subarray(0, batch.n * FIELDS));
    this.worker.postMessage({ id, buf: copy.buffer, n: batch.n }, [copy.buffer as ArrayBuffer]);
  }

  /**
   * Batch buffers come from a small free list: the kept batches and the copies the thread sends back are reused, so
   * the steady stream allocates none (a new buffer per batch and per copy cost ~20 MiB of RSS after the bench hour).
   */
  private take(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.batchSize * FIELDS);
  }

  private recycle(rows: Float64Array): void {
    if (rows.length === this.batchSize * FIELDS && this.free.length < MAX_FREE_BUFFERS) this.free.push(rows);
  }

  get pendingRows(): number {
    return this.n;
  }

  /** Batches handed to the worker and not yet committed. */
  get inflightBatches(): number {
    return this.inflight.size;
  }

  add(r: PositionRow): boolean {
    const o = this.n * FIELDS;
    const b = this.buf;
    b[o] = r.deviceId;
    b[o + 1] = r.ts;
    b[o + 2] = r.lat;
    b[o + 3] = r.lon;
    b[o + 4] = r.speed ?? Number.NaN;
    b[o + 5] = r.heading ?? Number.NaN;
    b[o + 6] = r.acc ?? Number.NaN;
    b[o + 7] = r.flags;
    b[o + 8] = r.receivedAt;
    this.n += 1;
    return this.n >= this.batchSize;
  }

  /** The same as `add` without a row object (the ingest's hot path). */
  addFix(
    deviceId: number,
    f: { ts: number; lat: number; lon: number; speedKmh?: number; headingDeg?: number; accuracyM?: number },
    flags: number,
    receivedAt: number,
  ): boolean {
    const o = this.n * FIELDS;
    const b = this.buf;
    b[o] = deviceId;
    b[o + 1] = f.ts;
    b[o + 2] = f.lat;
    b[o + 3] = f.lon;
    b[o + 4] = f.speedKmh ?? Number.NaN;
    b[o + 5] = f.headingDeg ?? Number.NaN;
    b[o + 6] = f.accuracyM ?? Number.NaN;
    b[o + 7] = flags;
    b[o + 8] = receivedAt;
    this.n += 1;
    return this.n >= this.batchSize;
  }

  /** Hands the pending rows to the worker. */
  flush(): void {
    if (this.n === 0 || this.closed) return;
    const id = this.nextId++;
    const batch = { rows: this.buf, n: this.n };
    this.inflight.set(id, batch);
    this.send(id, batch);
    this.buf = this.take();
    this.n = 0;
  }

  /** One retention step on the worker's connection (see TracksStore.pruneStep). */
  pruneStep(from: number, span: number, before: number): Promise<{ deleted: number; next: number | undefined }> {
    if (this.dead) return Promise.reject(new Error('gps writer thread is being replaced'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.prunes.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
      this.worker.postMessage({ id, prune: { from, span, before } });
    });
  }

  /** Resolves when everything handed over so far is committed. */
  drain(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.flush();
    await this.drain();
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
  }
}
