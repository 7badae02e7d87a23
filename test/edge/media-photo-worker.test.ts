import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../edge/errors.js';
import { processPhoto } from '../../edge/media/photo-pipeline.js';
import { PhotoWorker } from '../../edge/media/photo-worker-client.js';
import { pngBomb } from '../support/hostile-images.js';

/** The photo pipeline on its worker thread gives what it gives in-thread, and its failures reach the caller intact. */
const workers: PhotoWorker[] = [];
const worker = () => {
  const w = new PhotoWorker();
  workers.push(w);
  return w;
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});

const mark = { takenAt: new Date('2026-11-29T06:30:00Z'), place: '溧阳市 昆仑街道', caseNumber: '3204812026000123' };
const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#7a8b6c' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'Handset' } })
    .toBuffer();

describe('PhotoWorker: processPhoto on a worker thread', () => {
  it('gives the same published photo as the in-thread pipeline, and keeps the caller’s original buffer', async () => {
    const input = await photo(2400, 1200);
    const copy = Buffer.from(input);
    const [viaWorker, inThread] = await Promise.all([
      worker().process(input, { maxEdge: 1920 }, mark),
      processPhoto(input, { maxEdge: 1920 }, mark),
    ]);
    expect(viaWorker.original.bytes).toBe(input); // the evidence original is the caller's own buffer, untouched
    expect(input.equals(copy)).toBe(true);
    expect(viaWorker.original).toMatchObject({ mime: 'image/jpeg', width: 1200, height: 2400 });
    expect(viaWorker.published).toMatchObject({ mime: 'image/jpeg', width: 960, height: 1920 });
    expect(viaWorker.published.bytes.equals(inThread.published.bytes)).toBe(true);
    const meta = await sharp(viaWorker.published.bytes).metadata();
    expect(meta.exif).toBeUndefined();
  });

  it('runs jobs concurrently and answers each with its own photo', async () => {
    const w = worker();
    const sizes = [
      [800, 600],
      [640, 480],
      [1000, 300],
      [300, 1000],
    ] as const;
    const inputs = await Promise.all(sizes.map(([x, y]) => photo(x, y)));
    const out = await Promise.all(inputs.map((input) => w.process(input, {}, mark)));
    // EXIF orientation 6 turns each picture a quarter: width and height swap.
    expect(out.map((p) => [p.published.width, p.published.height])).toEqual(sizes.map(([x, y]) => [y, x]));
  });

  it('rethrows a rejection as the same DomainError (code, message, field)', async () => {
    const w = worker();
    const notImage = w.process(Buffer.from('GIF89a not really'), { field: 'photos[1]' }, mark);
    await expect(notImage).rejects.toBeInstanceOf(DomainError);
    await expect(notImage).rejects.toMatchObject({ code: 'unsupported_media', field: 'photos[1]' });
    const bomb = w.process(pngBomb(20_000, 20_000), { field: 'photos[0]', maxPixels: 40_000_000 }, mark);
    await expect(bomb).rejects.toMatchObject({ code: 'too_large', field: 'photos[0]' });
    // The worker is still serving after rejections.
    const ok = await w.process(await photo(100, 80), {}, mark);
    expect(ok.published.width).toBe(80);
  });

  it('a worker that dies fails its jobs with an error, and the next photo gets a new worker', async () => {
    const w = worker();
    await w.process(await photo(64, 64), {}, mark);
    const inner = (w as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const pending = w.process(await photo(3000, 2000), {}, mark);
    await inner.terminate();
    await expect(pending).rejects.toThrow(/photo worker exited/);
    const again = await w.process(await photo(64, 48), {}, mark);
    expect(again.published).toMatchObject({ width: 48, height: 64 });
  });

  it('refuses work after close', async () => {
    const w = worker();
    await w.close();
    await expect(w.process(await photo(10, 10), {}, mark)).rejects.toThrow(/closed/);
  });
});
