import { limits } from '../payloads/fields.js';
import { type WanmiPositionV1, wanmiPositionNumericFields, wanmiPositionV1 } from '../payloads/wanmi-position.js';
import { topicIdPattern } from '../topics.js';
import { scanWanmiPosition } from './flat-position.js';
import {
  checkNullIsland,
  checkReceivedAt,
  checkTime,
  decoded,
  fail,
  parseJsonText,
  parseWith,
  readText,
  rejectNonFinite,
  requireObject,
} from './steps.js';
import { type DecodeOptions, type Decoder, type PositionFix, resolveDecodeOptions, vehicleDeviceKey } from './types.js';

const known = new Set(['ts', 'lat', 'lon', 'speed', 'heading', 'acc', 'alt', 'sats', 'ignition']);
const inRange = (v: unknown, [min, max]: readonly [number, number]): boolean =>
  typeof v === 'number' && v >= min && v <= max;
const optionalInRange = (v: unknown, range: readonly [number, number]): boolean => v === undefined || inRange(v, range);

/**
 * A payload the schema would accept unchanged, checked without it (zod costs ~30 µs a message, most of the ingest
 * budget at 20,000 positions/s); undefined for anything else, which then goes through the schema.
 */
export function wanmiPositionFastPath(o: Readonly<Record<string, unknown>>): WanmiPositionV1 | undefined {
  for (const key in o) if (!known.has(key)) return undefined;
  const { ts, lat, lon, speed, heading, acc, alt, sats, ignition } = o;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) return undefined;
  if (!inRange(lat, limits.lat) || !inRange(lon, limits.lon)) return undefined;
  if (!optionalInRange(speed, limits.speedKmh) || !optionalInRange(heading, limits.headingDeg)) return undefined;
  if (!optionalInRange(alt, limits.altM) || !optionalInRange(acc, [0, Number.MAX_VALUE])) return undefined;
  if (sats !== undefined && !(inRange(sats, limits.sats) && Number.isInteger(sats))) return undefined;
  if (ignition !== undefined && typeof ignition !== 'boolean') return undefined;
  return o as WanmiPositionV1;
}

/** The topic parameters the decoder needs (`wanmi/v1/<district>/vehicles/<vehicleId>/position`). */
export interface WanmiPositionParams {
  readonly vehicleId: string;
}

/**
 * Decoder for Wanmi position v1 payloads; options are checked once, here (throws ValidationError). `fastLane: false`
 * turns off the one-pass scan of the everyday payload (`flat-position.ts`), for the tests that compare both paths.
 */
export function wanmiPositionDecoder(
  options?: DecodeOptions,
  internal: { fastLane?: boolean } = {},
): Decoder<WanmiPositionParams> {
  const o = resolveDecodeOptions(options);
  const fastLane = internal.fastLane ?? true;
  const keys = new Map<string, string>();
  return (params, payload, receivedAt, byteLength) => {
    const clock = checkReceivedAt(receivedAt);
    if (clock) return clock;
    const vehicleId: unknown = params?.vehicleId;
    // Device keys of vehicle ids already checked: a tracker publishes all day under one id, and one string per id
    // keeps its hash for the caller's device lookup. Bounded like the topic cache.
    let deviceKey = typeof vehicleId === 'string' ? keys.get(vehicleId) : undefined;
    if (deviceKey === undefined) {
      if (typeof vehicleId !== 'string' || !topicIdPattern.test(vehicleId)) {
        return fail('schema', 'topic: vehicleId must be 1–64 of A–Z a–z 0–9 _ -');
      }
      if (keys.size >= 50_000) keys.clear();
      deviceKey = vehicleDeviceKey(vehicleId);
      keys.set(vehicleId, deviceKey);
    }
    const text = readText(payload, o.maxPayloadBytes, byteLength);
    if (!text.ok) return text;
    let p = fastLane ? scanWanmiPosition(text.value) : undefined;
    if (p === undefined) {
      const json = parseJsonText(text.value);
      if (!json.ok) return json;
      const obj = requireObject(json.value, 'a Wanmi position object');
      if (!obj.ok) return obj;
      const nonFinite = rejectNonFinite(obj.value, wanmiPositionNumericFields);
      if (nonFinite) return nonFinite;
      // The common case (epoch-ms ts, numbers in range, known keys) is checked by hand; anything else goes through
      // the schema, which also words the rejections. Both accept exactly the same inputs on the fast path.
      p = wanmiPositionFastPath(obj.value);
      if (p === undefined) {
        const parsed = parseWith(wanmiPositionV1, obj.value);
        if (!parsed.ok) return parsed;
        p = parsed.value;
      }
    }
    const ts = typeof p.ts === 'number' ? p.ts : Date.parse(p.ts);
    if (!Number.isFinite(ts)) return fail('schema', 'ts: not a representable date');
    const rejected = checkNullIsland(p.lat, p.lon, o) ?? checkTime('ts', ts, receivedAt, o);
    if (rejected) return rejected;
    // Only what the device sent (as `compact` would give, in the same key order), built without a second object.
    const fix: { -readonly [K in keyof PositionFix]: PositionFix[K] } = {
      kind: 'fix',
      deviceKey,
      ts,
      lat: p.lat,
      lon: p.lon,
    } as PositionFix;
    if (p.speed !== undefined) fix.speedKmh = p.speed;
    if (p.heading !== undefined) fix.headingDeg = p.heading;
    if (p.acc !== undefined) fix.accuracyM = p.acc;
    if (p.alt !== undefined) fix.altM = p.alt;
    if (p.sats !== undefined) fix.sats = p.sats;
    if (p.ignition !== undefined) fix.ignition = p.ignition;
    fix.source = 'wanmi';
    return decoded(fix);
  };
}

/** Wanmi position decoder with the default options (4 KiB, 5 min ahead, 7 days old, 0,0 refused). */
export const decodeWanmiPosition: Decoder<WanmiPositionParams> = wanmiPositionDecoder();
