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

/** Slots: ts, lat, lon, speed, heading, acc, alt, sats, ignition (see slotOf). */
const SLOTS = 9;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_DIGITS = 15;

// Scratch (the scan is synchronous): values by slot, and where the last number ended. The scan's own index is a
// local variable, kept in a register (a module-level `let` would be a memory access on every character).
const values = new Float64Array(SLOTS);
let numberEnd = 0;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
}

/** Slot of the key between `start` and `end` (exclusive), or -1. */
function slotOf(text: string, start: number, end: number): number {
  switch (end - start) {
    case 2:
      return text.startsWith('ts', start) ? 0 : -1;
    case 3: {
      const c = text.charCodeAt(start);
      if (c === 0x6c) return text.startsWith('lat', start) ? 1 : text.startsWith('lon', start) ? 2 : -1;
      if (c === 0x61) return text.startsWith('acc', start) ? 5 : text.startsWith('alt', start) ? 6 : -1;
      return -1;
    }
    case 4:
      return text.startsWith('sats', start) ? 7 : -1;
    case 5:
      return text.startsWith('speed', start) ? 3 : -1;
    case 7:
      return text.startsWith('heading', start) ? 4 : -1;
    case 8:
      return text.startsWith('ignition', start) ? 8 : -1;
    default:
      return -1;
  }
}

/** A JSON number at `i` within the fast lane's limits (its end in `numberEnd`), or NaN to decline. */
function readNumber(text: string, i: number): number {
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 0x2d) {
    negative = true;
    c = text.charCodeAt(++i);
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  if (c === 0x30) {
    c = text.charCodeAt(++i);
    if (c >= 0x30 && c <= 0x39) return Number.NaN; // a leading zero: not JSON
  } else if (c >= 0x31 && c <= 0x39) {
    while (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      c = text.charCodeAt(++i);
    }
  } else return Number.NaN;
  if (c === 0x2e) {
    c = text.charCodeAt(++i);
    if (!(c >= 0x30 && c <= 0x39)) return Number.NaN;
    while (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      frac++;
      c = text.charCodeAt(++i);
    }
  }
  if (c === 0x65 || c === 0x45 || digits > MAX_DIGITS) return Number.NaN;
  numberEnd = i;
  const v = frac === 0 ? m : m / (POW10[frac] as number);
  return negative ? -v : v;
}

const inRange = (v: number, [min, max]: readonly [number, number]) => v >= min && v <= max;

/** See the module comment. `text` must already be within the payload size cap. */
export function scanWanmiPosition(text: string): WanmiPositionV1 | undefined {
  const n = text.length;
  let i = skipWs(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined; // {
  i++;
  let seen = 0;
  let ignition = false;
  for (;;) {
    i = skipWs(text, i);
    if (text.charCodeAt(i) !== 0x22) return undefined; // "key" (also declines {} and a trailing comma)
    const start = ++i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) return undefined; // escapes and control characters: full path
      i++;
    }
    if (i >= n) return undefined;
    const slot = slotOf(text, start, i);
    if (slot < 0 || (seen & (1 << slot)) !== 0) return undefined;
    seen |= 1 << slot;
    i = skipWs(text, i + 1);
    if (text.charCodeAt(i) !== 0x3a) return undefined; // :
    i = skipWs(text, i + 1);
    if (slot === 8) {
      if (text.startsWith('true', i)) {
        ignition = true;
        i += 4;
      } else if (text.startsWith('false', i)) i += 5;
      else return undefined;
    } else {
      const v = readNumber(text, i);
      if (Number.isNaN(v)) return undefined;
      values[slot] = v;
      i = numberEnd;
    }
    i = skipWs(text, i);
    const sep = text.charCodeAt(i++);
    if (sep === 0x7d) break; // }
    if (sep !== 0x2c) return undefined; // ,
  }
  if (skipWs(text, i) !== n) return undefined;
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
