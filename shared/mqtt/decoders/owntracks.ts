import {
  type OwntracksType,
  owntracksLocation,
  owntracksLwt,
  owntracksNumericFields,
  owntracksTransition,
  owntracksTypes,
} from '../payloads/owntracks.js';
import { topicIdPattern } from '../topics.js';
import {
  checkNullIsland,
  checkReceivedAt,
  checkTime,
  compact,
  decoded,
  describeValue,
  fail,
  parseWith,
  readJson,
  rejectNonFinite,
  requireObject,
} from './steps.js';
import {
  type DecodeOptions,
  type DecodeResult,
  type Decoder,
  owntracksDeviceKey,
  type ResolvedDecodeOptions,
  resolveDecodeOptions,
} from './types.js';

/** The topic parameters the decoder needs (`owntracks/<user>/<device>` and its `/event` sub-topic). */
export interface OwntracksParams {
  readonly user: string;
  readonly device: string;
}

type Body = Readonly<Record<string, unknown>>;
type Handler = (deviceKey: string, body: Body, receivedAt: number, o: ResolvedDecodeOptions) => DecodeResult;

/** `tst` is epoch seconds; everything downstream is epoch milliseconds. */
const secondsToMs = (s: number): number => s * 1000;

const handlers: Readonly<Record<OwntracksType, Handler>> = {
  location(deviceKey, body, receivedAt, o) {
    const parsed = parseWith(owntracksLocation, body);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    const ts = secondsToMs(p.tst);
    const rejected = checkNullIsland(p.lat, p.lon, o) ?? checkTime('tst', ts, receivedAt, o);
    if (rejected) return rejected;
    return decoded(
      compact({
        kind: 'fix',
        deviceKey,
        ts,
        lat: p.lat,
        lon: p.lon,
        speedKmh: p.vel,
        headingDeg: p.cog,
        accuracyM: p.acc,
        altM: p.alt,
        batteryPct: p.batt,
        source: 'owntracks',
      }),
    );
  },

  // The will was registered when the app connected, so `tst` may be days old; only a future one is suspect.
  lwt(deviceKey, body, receivedAt, o) {
    const parsed = parseWith(owntracksLwt, body);
    if (!parsed.ok) return parsed;
    const connectedAt = secondsToMs(parsed.value.tst);
    const rejected = checkTime('tst', connectedAt, receivedAt, o, true);
    if (rejected) return rejected;
    return decoded({ kind: 'offline', deviceKey, ts: receivedAt, connectedAt, source: 'owntracks' });
  },

  transition(deviceKey, body, receivedAt, o) {
    const parsed = parseWith(owntracksTransition, body);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    if ((p.lat === undefined) !== (p.lon === undefined)) return fail('schema', 'lat/lon: one without the other');
    const ts = secondsToMs(p.tst);
    const rejected =
      (p.lat !== undefined && p.lon !== undefined ? checkNullIsland(p.lat, p.lon, o) : undefined) ??
      checkTime('tst', ts, receivedAt, o);
    if (rejected) return rejected;
    return decoded(
      compact({
        kind: 'transition',
        deviceKey,
        ts,
        event: p.event,
        region: p.desc,
        regionId: p.rid,
        regionCreatedAt: secondsToMs(p.wtst),
        lat: p.lat,
        lon: p.lon,
        accuracyM: p.acc,
        trigger: p.t,
        source: 'owntracks',
      }),
    );
  },
};

/**
 * Decoder for the OwnTracks JSON the app publishes in MQTT mode: `location` and `lwt` on the base topic,
 * `transition` on `/event`. It reads all three on either topic, so the same decoder serves OwnTracks HTTP mode.
 */
export function owntracksDecoder(options?: DecodeOptions): Decoder<OwntracksParams> {
  const o = resolveDecodeOptions(options);
  return (params, payload, receivedAt, byteLength) => {
    const clock = checkReceivedAt(receivedAt);
    if (clock) return clock;
    const user: unknown = params?.user;
    const device: unknown = params?.device;
    if (
      typeof user !== 'string' ||
      typeof device !== 'string' ||
      !topicIdPattern.test(user) ||
      !topicIdPattern.test(device)
    ) {
      return fail('schema', 'topic: user and device must be 1–64 of A–Z a–z 0–9 _ -');
    }
    const json = readJson(payload, o.maxPayloadBytes, byteLength);
    if (!json.ok) return json;
    const obj = requireObject(json.value, 'an OwnTracks object');
    if (!obj.ok) return obj;
    const type = obj.value._type;
    if (typeof type !== 'string' || !(owntracksTypes as readonly string[]).includes(type)) {
      return fail('wrong_type', `_type ${describeValue(type)} is not ${owntracksTypes.join(', ')}`);
    }
    const t = type as OwntracksType;
    const nonFinite = rejectNonFinite(obj.value, owntracksNumericFields[t]);
    if (nonFinite) return nonFinite;
    return handlers[t](owntracksDeviceKey(user, device), obj.value, receivedAt, o);
  };
}

/** OwnTracks decoder with the default options. */
export const decodeOwntracks: Decoder<OwntracksParams> = owntracksDecoder();
