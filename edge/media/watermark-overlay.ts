import sharp from 'sharp';
import { watermarkSvg } from './watermark.js';

/**
 * The watermark text box as raw RGBA pixels, assembled from cached glyph pictures.
 *
 * Rasterising the whole SVG for every photo (librsvg → pango → fontconfig) cost about as much CPU as a fifth of the
 * photo's own decode-resize-encode. The watermark's characters repeat from photo to photo (digits, the time's
 * punctuation, a district's street names), so each character is rendered once per font size with the same SVG
 * style as `watermarkSvg` and the lines are laid out by blitting those pictures. Chinese text needs no shaping;
 * combining marks are drawn over the previous character with no advance. Layout matches `watermarkSvg`: lines
 * bottom-aligned, `margin` from the left and bottom, `lineHeight` apart.
 */
export interface Overlay {
  data: Buffer;
  width: number;
  height: number;
}

interface Glyph {
  /** The character's cell: `cellWidth × cellHeight` RGBA, baseline at `baseline` rows from the top, pen at `pad`. */
  rgba: Buffer;
  cellWidth: number;
  cellHeight: number;
  baseline: number;
  pad: number;
  advance: number;
  /** The inked rectangle inside the cell (inclusive-exclusive); blitting skips the transparent rest. */
  ink: { x0: number; y0: number; x1: number; y1: number };
}

const MAX_GLYPHS = 4096;
const glyphs = new Map<string, Promise<Glyph>>();

/** True for characters drawn on a full em: CJK ideographs and punctuation, kana, Hangul, full-width forms. */
function isFullWidth(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000
  );
}

async function renderGlyph(ch: string, fontSize: number): Promise<Glyph> {
  // watermarkSvg draws a single line at x = margin, baseline = height - margin, with margin = round(0.6 × size):
  // a cell of that margin on every side puts the pen at (pad, baseline) in the same style as the whole-text box.
  const pad = Math.round(fontSize * 0.6);
  const cellWidth = fontSize * 2 + pad * 2;
  const baseline = pad + fontSize;
  const cellHeight = baseline + pad;
  const svg = watermarkSvg({ width: cellWidth, height: cellHeight }, [ch], { fontSize });
  const { data } = await sharp(svg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const cp = ch.codePointAt(0) ?? 0;
  let advance: number;
  if (/\p{M}/u.test(ch)) advance = 0;
  else if (ch === ' ') advance = Math.round(fontSize * 0.35);
  else if (isFullWidth(cp)) advance = fontSize;
  else {
    // Proportional Latin and digits: the ink's right edge (stroke included) plus a little spacing.
    let right = pad;
    for (let x = cellWidth - 1; x >= pad && right === pad; x--) {
      for (let y = 0; y < cellHeight; y++) {
        if ((data[(y * cellWidth + x) * 4 + 3] ?? 0) > 8) {
          right = x;
          break;
        }
      }
    }
    advance = Math.max(Math.round(fontSize * 0.3), right - pad + Math.round(fontSize * 0.08));
  }
  const ink = { x0: cellWidth, y0: cellHeight, x1: 0, y1: 0 };
  for (let y = 0; y < cellHeight; y++) {
    for (let x = 0; x < cellWidth; x++) {
      if ((data[(y * cellWidth + x) * 4 + 3] ?? 0) === 0) continue;
      ink.x0 = Math.min(ink.x0, x);
      ink.x1 = Math.max(ink.x1, x + 1);
      ink.y0 = Math.min(ink.y0, y);
      ink.y1 = Math.max(ink.y1, y + 1);
    }
  }
  return { rgba: data, cellWidth, cellHeight, baseline, pad, advance, ink };
}

function glyph(ch: string, fontSize: number): Promise<Glyph> {
  const key = `${fontSize}:${ch}`;
  let g = glyphs.get(key);
  if (g) {
    // Move to the back: the map's insertion order is the eviction order.
    glyphs.delete(key);
    glyphs.set(key, g);
    return g;
  }
  g = renderGlyph(ch, fontSize);
  g.catch(() => glyphs.delete(key));
  glyphs.set(key, g);
  if (glyphs.size > MAX_GLYPHS) {
    const oldest = glyphs.keys().next().value;
    if (oldest !== undefined) glyphs.delete(oldest);
  }
  return g;
}

/** Draws `src` over `dst` at (dx, dy), clipped; where both have ink the more opaque pixel wins (glyph cells overlap only in their margins). */
function blit(dst: Buffer, dw: number, dh: number, g: Glyph, dx: number, dy: number): void {
  for (let y = g.ink.y0; y < g.ink.y1; y++) {
    const ty = dy + y;
    if (ty < 0 || ty >= dh) continue;
    for (let x = g.ink.x0; x < g.ink.x1; x++) {
      const tx = dx + x;
      if (tx < 0 || tx >= dw) continue;
      const s = (y * g.cellWidth + x) * 4;
      const a = g.rgba[s + 3] ?? 0;
      if (a === 0) continue;
      const d = (ty * dw + tx) * 4;
      if (a > (dst[d + 3] ?? 0)) {
        dst[d] = g.rgba[s] ?? 0;
        dst[d + 1] = g.rgba[s + 1] ?? 0;
        dst[d + 2] = g.rgba[s + 2] ?? 0;
        dst[d + 3] = a;
      }
    }
  }
}

/** The text box of `lines` at `fontSize`: `height` rows, at most `width` columns, transparent but for the text. */
export async function watermarkOverlay(
  size: { width: number; height: number },
  lines: readonly string[],
  fontSize: number,
): Promise<Overlay> {
  const { height } = size;
  const lineHeight = Math.round(fontSize * 1.3);
  const margin = Math.round(fontSize * 0.6);
  const chars = lines.map((line) => Array.from(line));
  const rendered = await Promise.all(chars.map((cs) => Promise.all(cs.map((c) => glyph(c, fontSize)))));
  // As wide as the longest line needs (a narrower box is a cheaper blend), never wider than allowed.
  const needed = Math.max(0, ...rendered.map((line) => line.reduce((w, g) => w + g.advance, 0)));
  const width = Math.max(1, Math.min(size.width, needed + margin * 2));
  const data = Buffer.alloc(width * height * 4);
  for (const [i, line] of rendered.entries()) {
    const baseline = height - margin - (lines.length - 1 - i) * lineHeight;
    let pen = margin;
    for (const g of line) {
      if (pen >= width) break;
      blit(data, width, height, g, pen - g.pad, baseline - g.baseline);
      pen += g.advance;
    }
  }
  return { data, width, height };
}

/** Blends an RGBA overlay ("over", straight alpha) into the bottom-left corner of packed 8-bit RGB pixels, clipped. */
export function blendBottomLeft(rgb: Buffer, width: number, height: number, o: Overlay): void {
  const top = height - o.height;
  const cols = Math.min(o.width, width);
  for (let y = Math.max(0, -top); y < o.height; y++) {
    let s = y * o.width * 4;
    let d = (top + y) * width * 3;
    for (let x = 0; x < cols; x++, s += 4, d += 3) {
      const a = o.data[s + 3] ?? 0;
      if (a === 0) continue;
      const keep = 255 - a;
      rgb[d] = ((o.data[s] ?? 0) * a + (rgb[d] ?? 0) * keep + 127) / 255;
      rgb[d + 1] = ((o.data[s + 1] ?? 0) * a + (rgb[d + 1] ?? 0) * keep + 127) / 255;
      rgb[d + 2] = ((o.data[s + 2] ?? 0) * a + (rgb[d + 2] ?? 0) * keep + 127) / 255;
    }
  }
}
