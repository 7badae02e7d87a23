import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';

/** Content types of what a Vite build and a PMTiles base map contain. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.pbf': 'application/x-protobuf',
  '.wasm': 'application/wasm',
  '.pmtiles': 'application/vnd.pmtiles',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The file under `root` for a URL path, or null (missing, a directory, or an attempt to leave `root`). */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Hashed build assets never change; the page itself must be revalidated so a new build is picked up. */
export function cacheControlOf(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The page may load and connect only to its own appliance (defence in depth for "no request outside the
 * appliance"): scripts, styles, workers, tiles, photos, SSE and the video relay's WebSocket are all same-origin;
 * `blob:`/`data:` for MapLibre's decoded tiles and MSE, `wasm-unsafe-eval` for the JSMpeg decoder.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function staticResponse(file: string, urlPath: string, method: string): Response {
  const size = statSync(file).size;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(file),
    'content-length': String(size),
    'cache-control': cacheControlOf(urlPath),
    'x-content-type-options': 'nosniff',
  };
  if (file.endsWith('.html')) headers['content-security-policy'] = CONSOLE_CSP;
  if (method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(readFileSync(file), { status: 200, headers });
}

export type ByteRange = { start: number; end: number };

/**
 * Parses a single `Range: bytes=…` header against a file size (RFC 9110 §14.1.2). Multiple ranges are not
 * served (PMTiles readers ask for one range at a time): `unsatisfiable` makes the caller answer 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'none' | 'unsatisfiable' {
  if (!header) return 'none';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Serves a file with HTTP range requests (the PMTiles base map). */
export function rangeResponse(file: string, rangeHeader: string | undefined, method: string): Response {
  if (!existsSync(file)) return new Response(null, { status: 404 });
  const size = statSync(file).size;
  const base = {
    'content-type': contentTypeOf(file),
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
  };
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...base, 'content-range': `bytes */${size}` } });
  }
  const { start, end } = range === 'none' ? { start: 0, end: size - 1 } : range;
  const headers: Record<string, string> = { ...base, 'content-length': String(Math.max(0, end - start + 1)) };
  if (range !== 'none') headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const status = range === 'none' ? 200 : 206;
  if (method === 'HEAD' || size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
