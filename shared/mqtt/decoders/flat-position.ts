import { limits } from '../payloads/fields.js';
import type { WanmiPositionV1 } from '../payloads/wanmi-position.js';

/**
 * Fast lane for the everyday Wanmi position payload: one pass over the JSON text of a flat object whose keys are
 * the schema's (each at most once) and whose values are plain numbers (no exponent, at most 15 significant digits)
 * or booleans, checked by the same rules as `wanmiPositionFastPath`. It returns exactly what
 * `wanmiPositionFastPath(JSON.parse(text))` would return, or undefined for anything else (whitespace oddities
 * aside, any other JSON, a string or ISO date, an unknown or repeated key, escapes, a BOM, trailing text, invalid
 * JSON), which then takes the full path (JSON.parse, schema) that also words the rejection.
 *
 * Why: JSON.parse, then checking the object's keys and values, then copying it into a fix cost about as much as
 * MQTT.js spends on the packet; this skips the intermediate object.
 *
 * Numbers: the digits are read into an integer M < 10^15 (exact in a double) and divided by 10^f (exact for
 * f ≤ 22); IEEE division is correctly rounded, so M / 10^f is the double nearest the decimal, as JSON.parse gives.
 */

const KEYS = ['ts', 'lat', 'lon', 'speed', 'heading', 'acc', 'alt', 'sats', 'ignition'] as const;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_DIGITS = 15;

// Scan state (module-level scratch: the scan is synchronous and allocates nothing but the result).
let pos = 0;
const values = new Float64Array(KEYS.length);

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWs(text: string): void {
  while (pos < text.length && isWs(text.charCodeAt(pos))) pos++;
}

/** Slot of the key between `start` and `end` (exclusive), or -1. */
function slotOf(text: string, start: number, end: number): number {
  const n = end - start;
  for (let k = 0; k < KEYS.length; k++) {
    const key = KEYS[k] as string;
    if (key.length === n && text.startsWith(key, start)) return k;
  }
  return -1;
}

/** A JSON number at `pos` within the fast lane's limits, or NaN to decline. */
function readNumber(text: string): number {
  let c = text.charCodeAt(pos);
  let negative = false;
  if (c === 0x2d) {
    negative = true;
    c = text.charCodeAt(++pos);
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  if (c === 0x30) {
    pos++;
    c = text.charCodeAt(pos);
    if (c >= 0x30 && c <= 0x39) return Number.NaN; // a leading zero: not JSON
  } else if (c >= 0x31 && c <= 0x39) {
    while (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      c = text.charCodeAt(++pos);
    }
  } else return Number.NaN;
  if (c === 0x2e) {
    c = text.charCodeAt(++pos);
    if (!(c >= 0x30 && c <= 0x39)) return Number.NaN;
    while (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      frac++;
      c = text.charCodeAt(++pos);
    }
  }
  if (c === 0x65 || c === 0x45 || digits > MAX_DIGITS) return Number.NaN;
  const v = frac === 0 ? m : m / (POW10[frac] as number);
  return negative ? -v : v;
}

const inRange = (v: number, [min, max]: readonly [number, number]) => v >= min && v <= max;

/** See the module comment. `text` must already be within the payload size cap. */
export function scanWanmiPosition(text: string): WanmiPositionV1 | undefined {
  pos = 0;
  skipWs(text);
  if (text.charCodeAt(pos) !== 0x7b) return undefined; // {
  pos++;
  let seen = 0;
  let ignition = false;
  for (;;) {
    skipWs(text);
    if (text.charCodeAt(pos) !== 0x22) return undefined; // "key" (also declines {} and a trailing comma)
    const start = ++pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) return undefined; // escapes and control characters: full path
      pos++;
    }
    if (pos >= text.length) return undefined;
    const slot = slotOf(text, start, pos);
    if (slot < 0 || (seen & (1 << slot)) !== 0) return undefined;
    seen |= 1 << slot;
    pos++;
    skipWs(text);
    if (text.charCodeAt(pos) !== 0x3a) return undefined; // :
    pos++;
    skipWs(text);
    const c = text.charCodeAt(pos);
    if (slot === 8) {
      if (text.startsWith('true', pos)) {
        ignition = true;
        pos += 4;
      } else if (text.startsWith('false', pos)) pos += 5;
      else return undefined;
    } else {
      if (!(c === 0x2d || (c >= 0x30 && c <= 0x39))) return undefined;
      const v = readNumber(text);
      if (Number.isNaN(v)) return undefined;
      values[slot] = v;
    }
    skipWs(text);
    const sep = text.charCodeAt(pos++);
    if (sep === 0x7d) break; // }
    if (sep !== 0x2c) return undefined; // ,
  }
  skipWs(text);
  if (pos !== text.length) return undefined;
  // The same rules as wanmiPositionFastPath (ts, lat and lon required; epoch-ms ts; ranges; whole sats).
  if ((seen & 0b111) !== 0b111) return undefined;
  const ts = values[0] as number;
  const lat = values[1] as number;
  const lon = values[2] as number;
  if (!Number.isSafeInteger(ts) || !inRange(lat, limits.lat) || !inRange(lon, limits.lon)) return undefined;
  const out: { -readonly [K in keyof WanmiPositionV1]: WanmiPositionV1[K] } = { ts, lat, lon };
  // Keys in the payload's schema order: the fix built from this is compacted in its own order anyway.
  if (seen & (1 << 3)) {
    const v = values[3] as number;
    if (!inRange(v, limits.speedKmh)) return undefined;
    out.speed = v;
  }
  if (seen & (1 << 4)) {
    const v = values[4] as number;
    if (!inRange(v, limits.headingDeg)) return undefined;
    out.heading = v;
  }
  if (seen & (1 << 5)) {
    const v = values[5] as number;
    if (!(v >= 0)) return undefined;
    out.acc = v;
  }
  if (seen & (1 << 6)) {
    const v = values[6] as number;
    if (!inRange(v, limits.altM)) return undefined;
    out.alt = v;
  }
  if (seen & (1 << 7)) {
    const v = values[7] as number;
    if (!(inRange(v, limits.sats) && Number.isInteger(v))) return undefined;
    out.sats = v;
  }
  if (seen & (1 << 8)) out.ignition = ignition;
  return out;
}
