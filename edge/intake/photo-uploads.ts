import { eq } from 'drizzle-orm';
import type { EdgeDb } from '../db/open.js';
import { blobs } from '../db/schema.js';
import type { PhotoUploads, StagedPhoto } from '../http/routes/reports.routes.js';
import type { BlobStore } from '../media/blob-store.js';
import type { PhotoOptions, ProcessedPhoto } from '../media/photo-pipeline.js';
import type { PhotoWorker } from '../media/photo-worker-client.js';
import type { Watermark } from '../media/watermark.js';

/** Report photos: the original kept byte-for-byte as evidence, the watermarked copy published and linked to it. */
export function photoUploads(deps: {
  db: EdgeDb;
  blobs: BlobStore;
  options: PhotoOptions;
  worker: PhotoWorker;
}): PhotoUploads {
  const processPhoto = (bytes: Buffer, options: PhotoOptions, mark: Watermark) =>
    deps.worker.process(bytes, options, mark);
  const stage = async (photo: ProcessedPhoto): Promise<StagedPhoto> => {
    const [original, published] = await Promise.all([
      deps.blobs.stage(photo.original.bytes),
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
    prepare: (bytes, field, mark) => processPhoto(bytes, { ...deps.options, field }, mark),
    stage,
    save,
    async store(bytes, field, mark) {
      const staged = await stage(await processPhoto(bytes, { ...deps.options, field }, mark));
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
