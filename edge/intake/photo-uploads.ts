import { eq } from 'drizzle-orm';
import type { EdgeDb } from '../db/open.js';
import { blobs } from '../db/schema.js';
import type { PhotoUploads, StagedPhoto } from '../http/routes/reports.routes.js';
import type { BlobStore, StagedBlob } from '../media/blob-store.js';
import { detectImageType } from '../media/image-type.js';
import { type PhotoOptions, photoOptionsSchema } from '../media/photo-options.js';
import type { ProcessedPhoto } from '../media/photo-pipeline.js';
import type { PhotoWorker } from '../media/photo-worker-client.js';
import type { Watermark } from '../media/watermark.js';

/** Report photos: the original kept byte-for-byte as evidence, the watermarked copy published and linked to it. */
export function photoUploads(deps: {
  db: EdgeDb;
  blobs: BlobStore;
  options: PhotoOptions;
  worker: PhotoWorker;
}): PhotoUploads {
  // The original is the upload's bytes as they are: once they pass the cheap checks (size, magic bytes) it is made
  // durable while the worker renders the published copy, instead of after it. A photo the pipeline then refuses has
  // its file removed again (no row ever named it).
  const earlyOriginals = new WeakMap<ProcessedPhoto, Promise<StagedBlob>>();
  const maxBytes = photoOptionsSchema.parse(deps.options).maxBytes;
  const prepare = async (bytes: Buffer, options: PhotoOptions, mark: Watermark): Promise<ProcessedPhoto> => {
    const early =
      bytes.length <= maxBytes && detectImageType(bytes) !== undefined ? deps.blobs.stage(bytes) : undefined;
    let photo: ProcessedPhoto;
    try {
      photo = await deps.worker.process(bytes, options, mark);
    } catch (err) {
      if (early) await early.then((staged) => deps.blobs.discardStaged(staged)).catch(() => undefined);
      throw err;
    }
    if (early) earlyOriginals.set(photo, early);
    return photo;
  };
  const stage = async (photo: ProcessedPhoto): Promise<StagedPhoto> => {
    const [original, published] = await Promise.all([
      earlyOriginals.get(photo) ?? deps.blobs.stage(photo.original.bytes),
      deps.blobs.stage(photo.published.bytes),
    ]);
    return { photo, original, published };
  };
  const save = ({ photo, original, published }: StagedPhoto) => {
    deps.blobs.record(original, {
      mime: photo.original.mime,
      width: photo.original.width,
      height: photo.original.height,
      role: 'original',
    });
    deps.blobs.record(published, {
      mime: photo.published.mime,
      width: photo.published.width,
      height: photo.published.height,
      role: 'published',
    });
    deps.db.update(blobs).set({ sourceSha256: original.sha256 }).where(eq(blobs.sha256, published.sha256)).run();
    return published.sha256;
  };
  return {
    prepare: (bytes, field, mark) => prepare(bytes, { ...deps.options, field }, mark),
    stage,
    save,
    async store(bytes, field, mark) {
      const staged = await stage(await prepare(bytes, { ...deps.options, field }, mark));
      return deps.db.transaction(() => save(staged));
    },
    published(sha256) {
      const row = deps.db
        .select({ role: blobs.role, mime: blobs.mime })
        .from(blobs)
        .where(eq(blobs.sha256, sha256))
        .get();
      if (row?.role !== 'published') return undefined;
      const bytes = deps.blobs.get(sha256);
      return bytes ? { bytes, mime: row.mime } : undefined;
    },
  };
}
