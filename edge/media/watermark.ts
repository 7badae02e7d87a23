/**
 * The evidence watermark on a published photo: capture time (Beijing time), place and case number, drawn bottom-left
 * as an SVG that sharp rasterises (librsvg → pango → fontconfig) and composites over the photo.
 */

/**
 * First choice is the font Debian's `fonts-wqy-zenhei` installs (CI and the appliance image install it; see
 * `.ci/apt-packages.txt`). Without any CJK font pango draws Chinese as hex "tofu" boxes.
 */
export const WATERMARK_FONT_FAMILY = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif";

/** What a watermark says; `caseNumber` is shown only once a case exists. */
export interface Watermark {
  takenAt: Date;
  place: string;
  caseNumber?: string;
}

export interface WatermarkStyle {
  fontFamily?: string;
  /** Pixel size; defaults to 3.5 % of the shorter edge, clamped to 8..64. */
  fontSize?: number;
}

/** China Standard Time is UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact. */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const MAX_LINE_CHARS = 60;

/** `YYYY-MM-DD HH:mm` in Beijing time. */
export function formatBeijingTime(at: Date): string {
  const t = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.getUTCFullYear(), 4)}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}`;
}

/** The watermark's lines, top to bottom, cleaned of characters that cannot appear in XML or would reorder text. */
export function watermarkLines(mark: Watermark): string[] {
  const lines = [formatBeijingTime(mark.takenAt), cleanText(mark.place)];
  const caseNumber = mark.caseNumber === undefined ? '' : cleanText(mark.caseNumber);
  if (caseNumber !== '') lines.push(`案件编号 ${caseNumber}`);
  return lines.filter((l) => l !== '');
}

/** An SVG the size of the photo with `lines` drawn bottom-left in white with a dark outline (legible on any scene). */
export function watermarkSvg(
  size: { width: number; height: number },
  lines: readonly string[],
  style: WatermarkStyle = {},
): Buffer {
  const { width, height } = size;
  const fontSize = style.fontSize ?? Math.min(64, Math.max(8, Math.round(Math.min(width, height) * 0.035)));
  const lineHeight = Math.round(fontSize * 1.3);
  const margin = Math.round(fontSize * 0.6);
  const texts = lines.map((line, i) => {
    const baseline = height - margin - (lines.length - 1 - i) * lineHeight;
    return `<text x="${margin}" y="${baseline}">${escapeXml(line)}</text>`;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g font-family="${escapeXml(style.fontFamily ?? WATERMARK_FONT_FAMILY)}" font-size="${fontSize}" fill="#ffffff" ` +
    `stroke="#000000" stroke-opacity="0.8" stroke-width="${Math.max(1, Math.round(fontSize * 0.12))}" ` +
    `stroke-linejoin="round" paint-order="stroke">${texts.join('')}</g></svg>`;
  return Buffer.from(svg, 'utf8');
}

/** Escapes the five XML special characters (text and attribute values). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Replaces controls, lone surrogates, XML-forbidden code points and bidi/zero-width format characters with spaces
 * (a place name comes from a handset and must neither break the SVG nor visually reorder the evidence text), then
 * collapses whitespace and caps the length.
 */
function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const drop =
      cp < 0x20 ||
      (cp >= 0x7f && cp <= 0x9f) ||
      (cp >= 0xd800 && cp <= 0xdfff) ||
      cp === 0xfffe ||
      cp === 0xffff ||
      (cp >= 0x200b && cp <= 0x200f) ||
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069);
    out += drop ? ' ' : ch;
  }
  const chars = Array.from(out.replace(/\s+/g, ' ').trim());
  return chars.length > MAX_LINE_CHARS ? `${chars.slice(0, MAX_LINE_CHARS - 1).join('')}…` : chars.join('');
}
