import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../errors.js';
import type { PhotoOptions, ProcessedPhoto } from './photo-pipeline.js';
import type { PhotoJob, PhotoJobResult } from './photo-worker.js';
import type { Watermark } from './watermark.js';

interface Pending {
  /** The thread the job went to: a dying thread fails only its own jobs, never those of its replacement. */
  worker: Worker;
  input: Buffer;
  resolve: (photo: ProcessedPhoto) => void;
  reject: (err: Error) => void;
}

/**
 * Runs `processPhoto` on one worker thread, started on the first photo. Decoding a 3 MP photo allocates ~8 MB of
 * pixels; on the main thread every few photos forced a full mark-compact of the API's heap (≈ 25 ms of main-thread
 * time per report, measured), stalling every other request. Jobs run concurrently in the worker (libvips does the
 * work on its own threads); a worker that dies fails its jobs with an internal error and is replaced on the next
 * photo. The worker is unreferenced while idle, so it never keeps a CLI process alive.
 */
export class PhotoWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  process(input: Buffer, options: PhotoOptions, mark: Watermark): Promise<ProcessedPhoto> {
    if (this.closed) return Promise.reject(new Error('photo worker: closed'));
    if (!workerEntry.exists) return import('./photo-pipeline.js').then((p) => p.processPhoto(input, options, mark));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // The caller keeps `input` (it is the evidence original); the worker gets its own copy, transferred.
    const copy = new Uint8Array(input);
    const job: PhotoJob = {
      id,
      input: copy,
      options,
      mark: {
        takenAt: mark.takenAt.getTime(),
        place: mark.place,
        ...(mark.caseNumber !== undefined ? { caseNumber: mark.caseNumber } : {}),
      },
    };
    return new Promise<ProcessedPhoto>((resolve, reject) => {
      this.pending.set(id, { worker, input, resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(job, [copy.buffer]);
    });
  }

  /** Stops the worker; jobs still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    // From the build the worker is plain JS. From source (tsx, vitest) it is TypeScript: a one-line bootstrap
    // registers tsx in the thread first (`--import tsx` in a worker's execArgv is not honoured by Node 20).
    const { fromSource, entry } = workerEntry;
    // The worker holds a few photos' buffers at a time, never a large JS heap.
    const resourceLimits = { maxOldGenerationSizeMb: 128 };
    const worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true, resourceLimits },
        )
      : new Worker(entry, { resourceLimits });
    worker.unref();
    worker.on('message', (m: PhotoJobResult) => this.settle(m));
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, job] of this.pending) {
        if (job.worker !== worker) continue;
        this.pending.delete(id);
        job.reject(err);
      }
    };
    worker.on('error', (err) => {
      console.error(JSON.stringify({ level: 'error', msg: 'photo worker failed', err: String(err.stack ?? err) }));
      fail(new Error(`photo worker failed: ${err.message}`));
    });
    worker.on('exit', (code) => fail(new Error(`photo worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(m: PhotoJobResult): void {
    const job = this.pending.get(m.id);
    if (!job) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('ok' in m) {
      const { original, published } = m.ok;
      const bytes = Buffer.from(published.bytes.buffer, published.bytes.byteOffset, published.bytes.byteLength);
      job.resolve({
        original: { bytes: job.input, ...original },
        published: { bytes, mime: 'image/jpeg', width: published.width, height: published.height },
      });
    } else if ('rejected' in m) {
      job.reject(new DomainError(m.rejected.code, m.rejected.message, m.rejected.field));
    } else {
      job.reject(new Error(`photo worker: ${m.failed}`));
    }
  }
}

/**
 * Where the worker's code is: beside this module, as TypeScript from source or JavaScript from the build. A single-file
 * bundle of the edge (the crash-safety suite's launcher) has no such file: photos are then processed in-thread.
 */
const workerEntry = (() => {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './photo-worker.ts' : './photo-worker.js', import.meta.url);
  const exists = existsSync(entry);
  if (!exists) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'photo worker code not found: photos are processed in-thread',
        entry: entry.href,
      }),
    );
  }
  return { fromSource, entry, exists };
})();

/** The file URL of tsx's ESM register API (its CommonJS twin registers a path that does not exist in tsx 4.23). */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const cjs = require.resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}
