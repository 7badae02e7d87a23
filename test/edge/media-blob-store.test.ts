import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EdgeDb, openEdgeDb } from '../../edge/db/open.js';
import { blobs } from '../../edge/db/schema.js';
import { DomainError } from '../../edge/errors.js';
import { BlobStore } from '../../edge/media/blob-store.js';

const photo = Buffer.from('not really a jpeg, but bytes are bytes');
const photoSha = createHash('sha256').update(photo).digest('hex');
const meta = { mime: 'image/jpeg', width: 640, height: 480, role: 'original' } as const;

let tmp: string;
let db: EdgeDb;
let store: BlobStore;
let blobDir: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'wanmi-blobs-'));
  db = openEdgeDb(join(tmp, 'edge.db'));
  blobDir = join(tmp, 'blobs');
  store = new BlobStore({ dir: blobDir, db, now: () => new Date('2026-03-14T01:05:00Z') });
});

afterEach(() => {
  db.$client.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Every file under the store root, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function expectDomainError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(code);
    return;
  }
  expect.unreachable('expected a DomainError');
}

describe('BlobStore', () => {
  it('stores a blob at <dir>/<first two hex>/<sha256> with exactly its bytes, leaving no temp file', () => {
    const { sha256, size } = store.put(photo, meta);
    expect(sha256).toBe(photoSha);
    expect(size).toBe(photo.length);
    expect(filesUnder(blobDir)).toEqual([join(photoSha.slice(0, 2), photoSha)]);
    expect(readFileSync(join(blobDir, photoSha.slice(0, 2), photoSha)).equals(photo)).toBe(true);
    expect(store.get(sha256)?.equals(photo)).toBe(true);
    const rows = db.select().from(blobs).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      sha256,
      size,
      mime: 'image/jpeg',
      width: 640,
      height: 480,
      role: 'original',
      createdAt: '2026-03-14T01:05:00.000Z',
    });
  });

  it('putting the same bytes twice gives the same hash, does not rewrite the file and records one row', () => {
    const first = store.put(photo, meta);
    const file = store.pathOf(first.sha256);
    const before = statSync(file);
    const second = store.put(photo, { ...meta, role: 'published' });
    const after = statSync(file);
    expect(second).toEqual(first);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(db.select().from(blobs).all()).toHaveLength(1);
    expect(filesUnder(blobDir)).toHaveLength(1);
  });

  it('a put inside a rolled-back outer transaction leaves no row, and a retry records it', () => {
    const rollback = new Error('report refused later in the transaction');
    const report = db.$client.transaction(() => {
      store.put(photo, meta);
      throw rollback;
    });
    expect(() => report()).toThrow(rollback);
    expect(store.has(photoSha)).toBe(false);
    store.put(photo, meta);
    expect(store.has(photoSha)).toBe(true);
  });

  it('verify detects a corrupted or missing file, and put repairs the corruption', () => {
    const { sha256 } = store.put(photo, meta);
    expect(store.verify(sha256)).toBe(true);
    const corrupted = Buffer.from(photo);
    corrupted[3] = (corrupted[3] ?? 0) ^ 0x01;
    writeFileSync(store.pathOf(sha256), corrupted);
    expect(store.verify(sha256)).toBe(false);
    store.put(photo, meta);
    expect(store.verify(sha256)).toBe(true);
    rmSync(store.pathOf(sha256));
    expect(store.verify(sha256)).toBe(false);
    expect(store.get(sha256)).toBeUndefined();
    expect(store.has(sha256)).toBe(false);
  });

  it('putVerified stores bytes that match the announced hash', () => {
    expect(store.putVerified(photoSha, photo, meta)).toEqual({ sha256: photoSha, size: photo.length });
    expect(store.has(photoSha)).toBe(true);
  });

  it('putVerified refuses bytes that do not hash to the announced hash, writing nothing', () => {
    const other = createHash('sha256').update('something else').digest('hex');
    expectDomainError(() => store.putVerified(other, photo, meta), 'invalid');
    expect(db.select().from(blobs).all()).toEqual([]);
    expect(filesUnder(tmp).filter((f) => f.startsWith('blobs'))).toEqual([]);
  });

  it('refuses a malformed hash before touching the filesystem (no path traversal)', () => {
    for (const bad of ['../../etc/passwd', photoSha.toUpperCase(), photoSha.slice(1), '']) {
      expectDomainError(() => store.get(bad), 'invalid');
      expectDomainError(() => store.verify(bad), 'invalid');
    }
  });

  it('refuses metadata with an unknown role', () => {
    expectDomainError(() => store.put(photo, { mime: 'image/jpeg', role: 'thumbnail' as 'original' }), 'invalid');
    expect(db.select().from(blobs).all()).toEqual([]);
  });

  it('an unknown blob is absent', () => {
    expect(store.get(photoSha)).toBeUndefined();
    expect(store.has(photoSha)).toBe(false);
    expect(store.verify(photoSha)).toBe(false);
  });
});

describe('staging: the file made durable off the event loop, the row written later in the caller’s transaction', () => {
  it('stage writes the file without a row; record adds the row; both are idempotent', async () => {
    const staged = await store.stage(photo);
    expect(staged).toEqual({ sha256: photoSha, size: photo.length });
    expect(readFileSync(store.pathOf(photoSha))).toEqual(photo);
    expect(db.select().from(blobs).all()).toHaveLength(0);
    expect(await store.stage(photo)).toEqual(staged);
    store.record(staged, meta);
    store.record(staged, meta);
    expect(db.select().from(blobs).all()).toHaveLength(1);
    expect(store.verify(photoSha)).toBe(true);
    expect(filesUnder(blobDir)).toEqual([join(photoSha.slice(0, 2), photoSha)]); // no temp files left behind
  });

  it('a row is never recorded for a blob that was not staged', () => {
    expect(() => store.record({ sha256: photoSha, size: photo.length }, meta)).toThrow(/not staged/);
    expect(db.select().from(blobs).all()).toHaveLength(0);
  });

  it('a rolled-back transaction leaves the staged file (reused by the next stage) and no row', async () => {
    const staged = await store.stage(photo);
    expect(() =>
      db.transaction(() => {
        store.record(staged, meta);
        throw new Error('the case write failed');
      }),
    ).toThrow('the case write failed');
    expect(db.select().from(blobs).all()).toHaveLength(0);
    expect(await store.stage(photo)).toEqual(staged);
  });

  it('a damaged file under the hash is rewritten by the next stage', async () => {
    const staged = await store.stage(photo);
    writeFileSync(store.pathOf(photoSha), 'bit rot');
    await store.stage(photo);
    expect(readFileSync(store.pathOf(staged.sha256))).toEqual(photo);
  });
});
