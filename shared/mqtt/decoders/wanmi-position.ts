import { wanmiPositionNumericFields, wanmiPositionV1 } from '../payloads/wanmi-position.js';
import { topicIdPattern } from '../topics.js';
import {
  checkNullIsland,
  checkReceivedAt,
  checkTime,
  compact,
  decoded,
  fail,
  parseWith,
  readJson,
  rejectNonFinite,
  requireObject,
} from './steps.js';
import { type DecodeOptions, type Decoder, type PositionFix, resolveDecodeOptions, vehicleDeviceKey } from './types.js';

/** The topic parameters the decoder needs (`wanmi/v1/<district>/vehicles/<vehicleId>/position`). */
export interface WanmiPositionParams {
  readonly vehicleId: string;
}

/** Decoder for Wanmi position v1 payloads; options are checked once, here (throws ValidationError). */
export function wanmiPositionDecoder(options?: DecodeOptions): Decoder<WanmiPositionParams> {
  const o = resolveDecodeOptions(options);
  return (params, payload, receivedAt) => {
    const clock = checkReceivedAt(receivedAt);
    if (clock) return clock;
    const vehicleId: unknown = params?.vehicleId;
    if (typeof vehicleId !== 'string' || !topicIdPattern.test(vehicleId)) {
      return fail('schema', 'topic: vehicleId must be 1–64 of A–Z a–z 0–9 _ -');
    }
    const json = readJson(payload, o.maxPayloadBytes);
    if (!json.ok) return json;
    const obj = requireObject(json.value, 'a Wanmi position object');
    if (!obj.ok) return obj;
    const nonFinite = rejectNonFinite(obj.value, wanmiPositionNumericFields);
    if (nonFinite) return nonFinite;
    const parsed = parseWith(wanmiPositionV1, obj.value);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    const ts = typeof p.ts === 'number' ? p.ts : Date.parse(p.ts);
    if (!Number.isFinite(ts)) return fail('schema', 'ts: not a representable date');
    const rejected = checkNullIsland(p.lat, p.lon, o) ?? checkTime('ts', ts, receivedAt, o);
    if (rejected) return rejected;
    const fix: PositionFix = compact({
      kind: 'fix',
      deviceKey: vehicleDeviceKey(vehicleId),
      ts,
      lat: p.lat,
      lon: p.lon,
      speedKmh: p.speed,
      headingDeg: p.heading,
      accuracyM: p.acc,
      altM: p.alt,
      sats: p.sats,
      ignition: p.ignition,
      source: 'wanmi',
    });
    return decoded(fix);
  };
}

/** Wanmi position decoder with the default options (4 KiB, 5 min ahead, 7 days old, 0,0 refused). */
export const decodeWanmiPosition: Decoder<WanmiPositionParams> = wanmiPositionDecoder();
