import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../edge/db/open.js';
import { escapeXml, formatBeijingTime, watermarkLines, watermarkSvg } from '../../edge/media/watermark.js';

describe('watermark text', () => {
  it('shows the capture time in Beijing time as YYYY-MM-DD HH:mm', () => {
    expect(formatBeijingTime(new Date('2026-03-13T16:05:59Z'))).toBe('2026-03-14 00:05');
    expect(formatBeijingTime(new Date('2026-07-01T03:30:00Z'))).toBe('2026-07-01 11:30');
  });

  it('lists time, place and the case number only when known', () => {
    const takenAt = new Date('2026-03-14T01:05:00Z');
    expect(watermarkLines({ takenAt, place: '新北区 太湖东路 12号' })).toEqual([
      '2026-03-14 09:05',
      '新北区 太湖东路 12号',
    ]);
    expect(watermarkLines({ takenAt, place: '人民广场', caseNumber: '320411-20260314-0007' })).toEqual([
      '2026-03-14 09:05',
      '人民广场',
      '案件编号 320411-20260314-0007',
    ]);
  });

  it('removes control, XML-forbidden and bidi-override characters from a place name and caps its length', () => {
    const takenAt = new Date('2026-03-14T01:05:00Z');
    const [, place] = watermarkLines({ takenAt, place: 'a\u0000b\u001b\u202ec\nd\uFFFF\uD800e' });
    expect(place).toBe('a b c d e');
    const [, long] = watermarkLines({ takenAt, place: '长'.repeat(200) });
    expect(Array.from(long ?? '')).toHaveLength(60);
  });

  it('escapes XML so a place name like <&>"\' cannot break the SVG', async () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    const svg = watermarkSvg({ width: 400, height: 200 }, ['<&>"\'', '</text></svg><svg onload="x">']);
    expect(svg.toString()).not.toContain('</svg><svg');
    const { info } = await sharp(svg).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([400, 200]);
  });
});

/** Renders `text` as the watermark draws it on a plain grey photo and returns the greyscale pixels. */
async function renderOnGrey(text: string, fontSize = 64): Promise<Buffer> {
  const size = { width: 320, height: 160 };
  return sharp({ create: { ...size, channels: 3, background: '#808080' } })
    .composite([{ input: watermarkSvg(size, [text], { fontSize }) }])
    .greyscale()
    .raw()
    .toBuffer();
}

function differingPixels(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > 64) n++;
  return n;
}

/**
 * Measures the inked bounding box of one line rendered with the watermark's SVG, in a child process so the font
 * configuration can be swapped through FONTCONFIG_FILE (fontconfig reads it once per process).
 */
const MEASURE_IN_CHILD = `
const sharp = require('sharp');
const svg = require('node:fs').readFileSync(0);
sharp(svg).flatten({ background: '#808080' }).greyscale().raw().toBuffer({ resolveWithObject: true }).then(({ data, info }) => {
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    if (Math.abs(data[y * info.width + x] - 128) > 40) { minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
  }
  process.stdout.write(JSON.stringify(maxX < 0 ? { width: 0, height: 0 } : { width: maxX - minX + 1, height: maxY - minY + 1 }));
});`;

const FONT_SIZE = 100;

function inkBox(text: string, env: NodeJS.ProcessEnv = {}, fontFamily?: string): { width: number; height: number } {
  const svg = watermarkSvg({ width: 300, height: 200 }, [text], {
    fontSize: FONT_SIZE,
    ...(fontFamily ? { fontFamily } : {}),
  });
  const child = spawnSync(process.execPath, ['-e', MEASURE_IN_CHILD], {
    cwd: projectRoot(),
    input: svg,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) throw new Error(`measuring child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { width: number; height: number };
}

/** True when 一 renders as a long flat stroke and 丨 as a tall thin one: real CJK glyphs, not square tofu boxes. */
function drawsCjkStrokes(env: NodeJS.ProcessEnv = {}, fontFamily?: string): boolean {
  const horizontal = inkBox('一', env, fontFamily);
  const vertical = inkBox('丨', env, fontFamily);
  return (
    horizontal.width > 0.6 * FONT_SIZE &&
    horizontal.width > 2.5 * horizontal.height &&
    vertical.height > 0.6 * FONT_SIZE &&
    vertical.height > 2.5 * vertical.width
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'wanmi-fonts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the watermark draws Chinese with the system CJK font (Debian fonts-wqy-zenhei)', () => {
  it('draws 城管, 万米 and two private-use code points as three different pictures', async () => {
    const [chengguan, wanmi, privateUse, blank] = await Promise.all([
      renderOnGrey('城管'),
      renderOnGrey('万米'),
      renderOnGrey('\uE000\uE001'),
      renderOnGrey(''),
    ]);
    // Necessary but not sufficient: pango draws a missing glyph as a box holding its hex code, so tofu boxes differ
    // too. The stroke-shape test below is the one that fails without a CJK font.
    expect(differingPixels(chengguan, blank)).toBeGreaterThan(500);
    expect(differingPixels(chengguan, wanmi)).toBeGreaterThan(500);
    expect(differingPixels(chengguan, privateUse)).toBeGreaterThan(500);
    expect(differingPixels(wanmi, privateUse)).toBeGreaterThan(500);
  });

  it('draws 一 as a flat stroke and 丨 as an upright one, which a tofu box is not', () => {
    expect(drawsCjkStrokes()).toBe(true);
  });

  it('the stroke-shape check fails when fontconfig knows no fonts, as on a system without the font package', () => {
    const conf = join(scratch, 'no-fonts.conf');
    writeFileSync(
      conf,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><cachedir>${join(scratch, 'cache')}</cachedir></fontconfig>`,
    );
    expect(drawsCjkStrokes({ FONTCONFIG_FILE: conf })).toBe(false);
  });

  it('naming a missing font still draws CJK through fontconfig fallback: the installed package is what matters', () => {
    expect(drawsCjkStrokes({}, "'No Such Font Wanmi', sans-serif")).toBe(true);
  });
});
