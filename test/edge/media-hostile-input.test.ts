import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EdgeDb, openEdgeDb } from '../../edge/db/open.js';
import { blobs } from '../../edge/db/schema.js';
import { DomainError } from '../../edge/errors.js';
import { BlobStore } from '../../edge/media/blob-store.js';
import { type PhotoOptions, processPhoto } from '../../edge/media/photo-pipeline.js';
import { pngBomb } from '../support/hostile-images.js';

const watermark = { takenAt: new Date('2026-03-14T01:05:00Z'), place: '天宁区 延陵西路' };
const field = { field: 'photos[1]' };

let tmp: string;
let db: EdgeDb;
let store: BlobStore;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'wanmi-hostile-'));
  db = openEdgeDb(join(tmp, 'edge.db'));
  store = new BlobStore({ dir: join(tmp, 'blobs'), db });
});

afterEach(() => {
  db.$client.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** What the report service does with an upload: process, then keep both copies. */
async function ingest(bytes: Buffer, opts: PhotoOptions = field): Promise<void> {
  const photo = await processPhoto(bytes, opts, watermark);
  const { original: o, published: p } = photo;
  store.put(o.bytes, { mime: o.mime, width: o.width, height: o.height, role: 'original' });
  store.put(p.bytes, { mime: p.mime, width: p.width, height: p.height, role: 'published' });
}

/** Ingests `bytes`, expecting a DomainError, and checks nothing reached the blob store. */
async function refusal(bytes: Buffer, opts: PhotoOptions = field): Promise<DomainError> {
  const outcome = await ingest(bytes, opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(DomainError);
  expect(db.select().from(blobs).all()).toEqual([]);
  expect(readdirSync(tmp)).not.toContain('blobs');
  return outcome as DomainError;
}

describe('hostile or broken uploads are refused with a clear DomainError and nothing is stored', () => {
  it('refuses more bytes than the cap before looking at them', async () => {
    const huge = Buffer.alloc(12 * 1024 * 1024 + 1);
    huge.set([0xff, 0xd8, 0xff]);
    const err = await refusal(huge);
    expect([err.code, err.field]).toEqual(['too_large', 'photos[1]']);
    expect(err.message).toMatch(/exceeds the limit of 12582912/);
  });

  it('refuses a text file named .jpg, judged by its bytes, not its name or declared type', async () => {
    const err = await refusal(Buffer.from('photo.jpg\nthis is a shopping list, not a photo\n'));
    expect([err.code, err.message, err.field]).toEqual([
      'unsupported_media',
      'photo: not a JPEG, PNG or WebP image',
      'photos[1]',
    ]);
    expect((await refusal(Buffer.alloc(0))).code).toBe('unsupported_media');
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .gif()
      .toBuffer();
    expect((await refusal(gif)).code).toBe('unsupported_media');
  });

  it('refuses a 20000×20000 PNG bomb of a few KB from its header, naming the pixel limit, without decoding it', async () => {
    const bomb = pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100_000);
    const header = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([header.format, header.width, header.height]).toEqual(['png', 20_000, 20_000]);

    const started = performance.now();
    const err = await refusal(bomb);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err.code).toBe('too_large');
    expect(err.message).toBe('photo: the image exceeds the limit of 40 megapixels');
  });

  it('the pixel cap is the configured one, not sharp’s own default of 268 megapixels', async () => {
    expect((await refusal(pngBomb(8_000, 8_000))).code).toBe('too_large'); // 64 MP
    const err = await refusal(pngBomb(1_000, 1_000), { ...field, maxPixels: 999_999 });
    expect(err.message).toBe('photo: the image exceeds the limit of 0.999999 megapixels');
    await ingest(pngBomb(1_000, 1_000), { ...field, maxPixels: 1_000_000 });
    expect(db.select().from(blobs).all()).toHaveLength(2);
  });

  it('refuses a truncated JPEG as invalid', async () => {
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#4a7' } })
      .jpeg()
      .toBuffer();
    for (const keep of [0.3, 0.9, 0.99]) {
      const err = await refusal(jpeg.subarray(0, Math.floor(jpeg.length * keep)));
      expect(err.code).toBe('invalid');
      expect(err.message).toMatch(/^photo: the image is corrupt or truncated/);
    }
  });
});

describe('JPEGs with hostile EXIF are processed with metadata stripped or refused as invalid, never crash', () => {
  let jpeg: Buffer;
  let tiff: number; // offset of the EXIF TIFF header ("II*\0") in `jpeg`
  let orientation: number; // offset of IFD0's Orientation entry

  beforeAll(async () => {
    jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#58a' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'WanmiPhone' }, IFD2: { UserComment: 'x' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    tiff = jpeg.indexOf(Buffer.from('Exif\0\0II*\0', 'latin1')) + 6;
    orientation = jpeg.indexOf(Buffer.from([0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00]));
    expect(tiff).toBeGreaterThan(6);
    expect(orientation).toBeGreaterThan(tiff);
  });

  /** A copy of the fixture with `edit` applied. */
  const spliced = (edit: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(jpeg);
    edit(b);
    return b;
  };

  const hostile: Record<string, () => Buffer> = {
    'orientation 0': () => spliced((b) => b.writeUInt16LE(0, orientation + 8)),
    'orientation 9': () => spliced((b) => b.writeUInt16LE(9, orientation + 8)),
    'orientation 65535': () => spliced((b) => b.writeUInt16LE(0xffff, orientation + 8)),
    'IFD0 offset far past the segment': () => spliced((b) => b.writeUInt32LE(0x7ffffff0, tiff + 4)),
    'IFD0 claims 65535 entries': () => spliced((b) => b.writeUInt16LE(0xffff, tiff + 8)),
    'orientation entry with a 4-billion count': () => spliced((b) => b.writeUInt32LE(0xffffffff, orientation + 4)),
    'byte order marker is garbage': () => spliced((b) => b.write('XX', tiff, 'latin1')),
    'APP1 length runs past the end of the file': () => spliced((b) => b.writeUInt16BE(0xffff, tiff - 8)),
    'an extra 64 KiB APP1 of garbage claiming to be EXIF': () => {
      const segment = Buffer.alloc(2 + 0xffff, 0xab);
      segment.set([0xff, 0xe1]);
      segment.writeUInt16BE(0xffff, 2);
      segment.write('Exif\0\0MM\0*\0\0\0\x08', 4, 'latin1');
      return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
    },
  };

  for (const [name, build] of Object.entries(hostile)) {
    it(name, async () => {
      const outcome = await processPhoto(build(), field, watermark).then(
        (photo) => photo,
        (err: unknown) => err,
      );
      if (outcome instanceof DomainError) {
        expect(outcome.code).toBe('invalid');
        return;
      }
      expect(outcome).not.toBeInstanceOf(Error);
      const photo = outcome as Awaited<ReturnType<typeof processPhoto>>;
      const meta = await sharp(photo.published.bytes).metadata();
      expect([meta.exif, meta.xmp, meta.orientation]).toEqual([undefined, undefined, undefined]);
      expect(photo.published.bytes.includes(Buffer.from('WanmiPhone'))).toBe(false);
    });
  }

  it('an absurd orientation value is ignored: the photo is published as stored', async () => {
    const photo = await processPhoto(hostile['orientation 65535']?.() ?? jpeg, field, watermark);
    expect([photo.published.width, photo.published.height]).toEqual([300, 200]);
  });
});

describe('property: arbitrary bytes never make processPhoto throw anything but a DomainError', () => {
  let seeds: Buffer[];

  beforeAll(async () => {
    const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#c84' } });
    seeds = await Promise.all([
      base.clone().jpeg().withMetadata({ orientation: 3 }).toBuffer(),
      base.clone().png().toBuffer(),
      base.clone().webp().toBuffer(),
    ]);
  });

  it('random, magic-prefixed, mutated and truncated images', async () => {
    const magic = [
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'),
    ];
    const seed = fc.constantFrom(...seeds);
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
      fc
        .tuple(fc.constantFrom(...magic), fc.uint8Array({ maxLength: 2048 }))
        .map(([m, rest]) => Buffer.concat([m, rest])),
      fc
        .tuple(seed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }))
        .map(([s, edits]) => {
          const b = Buffer.from(s);
          for (const [at, value] of edits) b[at % b.length] = value;
          return b;
        }),
      fc
        .tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([s, keep]) => s.subarray(0, Math.floor(s.length * keep))),
    );
    // 50 runs, not the suite's usual 500: each run decodes and encodes through libvips (sharp is slow).
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        const outcome = await processPhoto(bytes, field, watermark).then(
          (photo) => photo,
          (err: unknown) => err,
        );
        if (outcome instanceof DomainError) return;
        if (outcome instanceof Error) throw outcome;
        const photo = outcome as Awaited<ReturnType<typeof processPhoto>>;
        expect((await sharp(photo.published.bytes).metadata()).exif).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });
});
