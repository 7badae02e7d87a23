import { parentPort } from 'node:worker_threads';
import { DomainError } from '../errors.js';
import { type PhotoOptions, processPhoto } from './photo-pipeline.js';

/** A job from `PhotoWorker`: the upload's bytes (transferred), its limits and the watermark text. */
export interface PhotoJob {
  id: number;
  input: Uint8Array;
  options: PhotoOptions;
  mark: { takenAt: number; place: string; caseNumber?: string };
}

/** The answer: the published copy (transferred) and the sizes, or the rejection to rethrow on the main thread. */
export type PhotoJobResult =
  | {
      id: number;
      ok: {
        original: { mime: 'image/jpeg' | 'image/png' | 'image/webp'; width: number; height: number };
        published: { bytes: Uint8Array; width: number; height: number };
      };
    }
  | { id: number; rejected: { code: DomainError['code']; message: string; field?: string } }
  | { id: number; failed: string };

// The photo pipeline runs here so that its multi-megabyte pixel buffers are garbage of this thread's small heap, not
// of the main thread, where each one used to force a full mark-compact of the API's heap.
const port = parentPort;
if (!port) throw new Error('photo-worker: run me as a worker thread');
port.on('message', (job: PhotoJob) => {
  const input = Buffer.from(job.input.buffer, job.input.byteOffset, job.input.byteLength);
  const mark = { ...job.mark, takenAt: new Date(job.mark.takenAt) };
  processPhoto(input, job.options, mark).then(
    (photo) => {
      // sharp's buffers are external memory that cannot be detached: copy the published JPEG once and transfer it.
      const bytes = new Uint8Array(photo.published.bytes);
      const ok = {
        original: { mime: photo.original.mime, width: photo.original.width, height: photo.original.height },
        published: { bytes, width: photo.published.width, height: photo.published.height },
      };
      port.postMessage({ id: job.id, ok } satisfies PhotoJobResult, [bytes.buffer]);
    },
    (err: unknown) => {
      const answer: PhotoJobResult =
        err instanceof DomainError
          ? {
              id: job.id,
              rejected: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) },
            }
          : { id: job.id, failed: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      port.postMessage(answer);
    },
  );
});
