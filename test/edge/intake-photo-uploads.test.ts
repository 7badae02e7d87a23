import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EdgeDb, openEdgeDb } from '../../edge/db/open.js';
import { photoUploads } from '../../edge/intake/photo-uploads.js';
import { BlobStore } from '../../edge/media/blob-store.js';
import { PhotoWorker } from '../../edge/media/photo-worker-client.js';

/** Report photos: the original is made durable while the copy renders; a refused photo leaves no file and no row. */
let tmp: string;
let db: EdgeDb;
let worker: PhotoWorker;
let blobDir: string;
let uploads: ReturnType<typeof photoUploads>;
const mark = { takenAt: new Date('2026-11-29T06:00:00Z'), place: '溧阳市' };

const files = () =>
  readdirSync(blobDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort();
const rows = () => db.$client.prepare('SELECT sha256, role FROM blobs ORDER BY sha256').all();

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'wanmi-uploads-'));
  db = openEdgeDb(join(tmp, 'edge.db'));
  blobDir = join(tmp, 'blobs');
  worker = new PhotoWorker();
  uploads = photoUploads({
    db,
    blobs: new BlobStore({ dir: blobDir, db }),
    options: { maxBytes: 2_000_000 },
    worker,
  });
});

afterEach(async () => {
  await worker.close();
  db.$client.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('photo uploads', () => {
  it('stores the original and the published copy, both recorded, in one call', async () => {
    const jpeg = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#456' } })
      .jpeg()
      .toBuffer();
    const published = await uploads.store(jpeg, 'photo', mark);
    expect(rows()).toHaveLength(2);
    expect(files()).toHaveLength(2);
    expect(files()).toContain(published);
    expect(uploads.published(published)?.mime).toBe('image/jpeg');
  });

  it('a JPEG that passes the magic-byte check but does not decode leaves no file and no row', async () => {
    const good = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#456' } })
      .jpeg()
      .toBuffer();
    const truncated = good.subarray(0, Math.floor(good.length / 3));
    await expect(uploads.prepare(Buffer.from(truncated), 'photos[0]', mark)).rejects.toMatchObject({
      code: 'invalid',
      field: 'photos[0]',
    });
    expect(rows()).toEqual([]);
    expect(files()).toEqual([]);
  });

  it('discarding a staged file keeps it when a row records it (the same bytes were stored before)', async () => {
    const jpeg = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#abc' } })
      .jpeg()
      .toBuffer();
    await uploads.store(jpeg, 'photo', mark);
    const before = files();
    const store = new BlobStore({ dir: blobDir, db });
    const original = (rows() as { sha256: string; role: string }[]).find((r) => r.role === 'original');
    if (!original) throw new Error('no original row');
    await store.discardStaged({ sha256: original.sha256, size: jpeg.length });
    expect(files()).toEqual(before);
    // A staged file no row names is removed.
    const orphan = await store.stage(Buffer.from('staged, then its change was refused'));
    expect(files()).toContain(orphan.sha256);
    await store.discardStaged(orphan);
    expect(files()).toEqual(before);
  });
});
