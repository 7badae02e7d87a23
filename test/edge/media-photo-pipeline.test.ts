import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { processPhoto } from '../../edge/media/photo-pipeline.js';

const watermark = {
  takenAt: new Date('2026-03-14T01:05:00Z'),
  place: '新北区 太湖东路',
  caseNumber: '320411-20260314-0007',
};

/**
 * A 3000×2000 phone photo stored sideways: top half red, bottom half blue, EXIF orientation 6 (display rotated 90°
 * clockwise), with camera EXIF, GPS, XMP and a Display P3 ICC profile that must not reach the published copy.
 */
async function sidewaysPhoneJpeg(): Promise<Buffer> {
  const redTop = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#0000ff' } })
    .composite([{ input: redTop, left: 0, top: 0 }])
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'WanmiPhone', Model: 'Collector 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '31/1 46/1 30/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '119/1 58/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
    )
    .withIccProfile('p3')
    .toBuffer();
}

/** Mean RGB of a square region of a decoded image. */
async function meanColour(jpeg: Buffer, left: number, top: number, size = 40): Promise<number[]> {
  const { data } = await sharp(jpeg)
    .extract({ left, top, width: size, height: size })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sums[i % 3] = (sums[i % 3] ?? 0) + (data[i] ?? 0);
  return sums.map((s) => Math.round(s / (size * size)));
}

describe('processPhoto', () => {
  let input: Buffer;
  let result: Awaited<ReturnType<typeof processPhoto>>;

  beforeAll(async () => {
    input = await sidewaysPhoneJpeg();
    const fixture = await sharp(input).metadata();
    // The fixture really carries what the published copy must lose, so the stripping assertions can fail.
    expect(fixture.orientation).toBe(6);
    expect(fixture.exif?.includes(Buffer.from('WanmiPhone'))).toBe(true);
    expect(fixture.xmp).toBeDefined();
    expect(fixture.icc).toBeDefined();
    result = await processPhoto(input, { field: 'photos[0]' }, watermark);
  });

  it('keeps the original byte for byte: it is evidence', () => {
    expect(result.original.bytes.equals(input)).toBe(true);
    expect(result.original.mime).toBe('image/jpeg');
    expect([result.original.width, result.original.height]).toEqual([2000, 3000]);
  });

  it('turns the published copy upright from the EXIF orientation and fits its long edge into 1920', async () => {
    expect(result.published.mime).toBe('image/jpeg');
    expect([result.published.width, result.published.height]).toEqual([1280, 1920]);
    const meta = await sharp(result.published.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1280, 1920]);
    // Stored top (red) is displayed on the right after a 90° clockwise turn.
    const [rightR, , rightB] = await meanColour(result.published.bytes, 1200, 200);
    const [leftR, , leftB] = await meanColour(result.published.bytes, 40, 200);
    expect(rightR).toBeGreaterThan(200);
    expect(rightB).toBeLessThan(60);
    expect(leftB).toBeGreaterThan(200);
    expect(leftR).toBeLessThan(60);
  });

  it('strips every piece of metadata from the published copy (EXIF, GPS, XMP, IPTC, ICC, orientation)', async () => {
    const meta = await sharp(result.published.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(result.published.bytes.includes(Buffer.from('WanmiPhone'))).toBe(false);
  });

  it('draws the watermark bottom-left and leaves the rest of the picture alone', async () => {
    const plain = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const { published } = await processPhoto(plain, {}, watermark);
    const { data, info } = await sharp(published.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
    const bright = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if ((data[y * info.width + x] ?? 0) > 200) n++;
      return n;
    };
    expect(bright(0, info.height - 200, 600, info.height)).toBeGreaterThan(1000);
    expect(bright(info.width - 600, 0, info.width, info.height - 200)).toBe(0);
  });

  it('renders a place name full of XML specials without breaking the watermark', async () => {
    const plain = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const nasty = { ...watermark, place: `<script>alert("x")</script> & 'quoted' ]]> <!--` };
    const { published } = await processPhoto(plain, {}, nasty);
    expect([published.width, published.height]).toEqual([800, 600]);
  });

  it('accepts PNG (flattening transparency onto white) and WebP, and never enlarges a small photo', async () => {
    const transparent = { width: 300, height: 200, channels: 4 as const, background: { r: 0, g: 0, b: 0, alpha: 0 } };
    const png = await sharp({ create: transparent }).png().toBuffer();
    const fromPng = await processPhoto(png, {}, watermark);
    expect(fromPng.original.mime).toBe('image/png');
    expect([fromPng.published.width, fromPng.published.height]).toEqual([300, 200]);
    const [r, g, b] = await meanColour(fromPng.published.bytes, 250, 10, 20);
    expect(Math.min(r ?? 0, g ?? 0, b ?? 0)).toBeGreaterThan(245);

    const webp = await sharp({ create: { width: 2400, height: 600, channels: 3, background: '#336699' } })
      .webp()
      .toBuffer();
    const fromWebp = await processPhoto(webp, { maxEdge: 1200 }, watermark);
    expect(fromWebp.original.mime).toBe('image/webp');
    expect([fromWebp.published.width, fromWebp.published.height]).toEqual([1200, 300]);
  });

  it('refuses options outside their bounds (a configuration error, not the uploader’s)', async () => {
    await expect(processPhoto(input, { maxEdge: 0 }, watermark)).rejects.toThrow(/maxEdge/);
    await expect(processPhoto(input, { colour: 'red' } as never, watermark)).rejects.toThrow();
  });
});
