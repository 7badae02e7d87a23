import { z } from 'zod';
import { parseOrThrow } from '../../validation.js';

/** One position, normalised: WGS-84 degrees, epoch milliseconds, km/h, degrees from north, metres. */
export interface PositionFix {
  readonly kind: 'fix';
  /** `vehicle:<vehicleId>` or `owntracks:<user>/<device>`: unique on the district's broker. */
  readonly deviceKey: string;
  readonly ts: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number;
  readonly headingDeg?: number;
  readonly accuracyM?: number;
  readonly altM?: number;
  readonly sats?: number;
  readonly ignition?: boolean;
  readonly batteryPct?: number;
  readonly source: 'wanmi' | 'owntracks';
}

/** The broker published the device's last will: it lost the connection. */
export interface DeviceOffline {
  readonly kind: 'offline';
  readonly deviceKey: string;
  /** When the will was received: the will itself only says when the device had connected. */
  readonly ts: number;
  readonly connectedAt: number;
  readonly source: 'owntracks';
}

/** The device says it entered or left one of its own regions (OwnTracks waypoints). */
export interface RegionTransition {
  readonly kind: 'transition';
  readonly deviceKey: string;
  readonly ts: number;
  readonly event: 'enter' | 'leave';
  readonly region?: string;
  readonly regionId?: string;
  /** When the region was created on the phone (OwnTracks `wtst`), epoch ms. */
  readonly regionCreatedAt: number;
  readonly lat?: number;
  readonly lon?: number;
  readonly accuracyM?: number;
  readonly trigger?: string;
  readonly source: 'owntracks';
}

export type DeviceEvent = DeviceOffline | RegionTransition;
export type Decoded = PositionFix | DeviceEvent;

export const decodeFailureReasons = [
  'oversized',
  'malformed_json',
  'wrong_type',
  'non_finite',
  'schema',
  'out_of_range',
  'far_future',
  'too_old',
] as const;
export type DecodeFailureReason = (typeof decodeFailureReasons)[number];

/** What each rejection means, in the order the checks run (for logs, metrics labels and the docs page). */
export const decodeFailureMeaning: Readonly<Record<DecodeFailureReason, string>> = {
  oversized: 'payload larger than `maxPayloadBytes`, refused before parsing',
  malformed_json: 'not UTF-8, or not JSON',
  wrong_type: 'JSON, but not an object of a type this decoder reads (array, string, other OwnTracks `_type`)',
  non_finite: 'a number field holds NaN/Infinity (as a string such as "NaN", or an overflowing literal like 1e999)',
  schema: 'a field is missing, of the wrong type, unknown (Wanmi payloads are strict) or malformed',
  out_of_range: 'a number outside its bounds (lat 91, speed 400 km/h, heading 361, negative accuracy), or 0,0',
  far_future: 'fix time more than `futureToleranceMs` after receipt',
  too_old: 'fix time more than `maxAgeMs` before receipt',
};

export type DecodeResult =
  | { readonly ok: true; readonly messages: readonly Decoded[] }
  | { readonly ok: false; readonly reason: DecodeFailureReason; readonly detail: string };

/**
 * A decoder: never throws, whatever the bytes. `receivedAt` is the edge's clock (epoch ms) at receipt. `byteLength`:
 * the UTF-8 size of a string payload when the caller knows it (it decoded the string from bytes), else measured.
 */
export type Decoder<P> = (
  params: P,
  payload: Uint8Array | string,
  receivedAt: number,
  byteLength?: number,
) => DecodeResult;

export const decodeOptionsSchema = z.strictObject({
  /** Checked on the raw bytes before any parsing. */
  maxPayloadBytes: z.number().int().min(64).max(1_048_576).default(4096),
  /** Device clocks run a little ahead; more than this is a broken clock. */
  futureToleranceMs: z
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(5 * 60_000),
  /** Older fixes are replays of a device's backlog that the track no longer needs. */
  maxAgeMs: z
    .number()
    .int()
    .min(60_000)
    .max(400 * 86_400_000)
    .default(7 * 86_400_000),
  /** 0,0 is what many receivers send without a fix (Traccar's `filter.zero`). */
  rejectNullIsland: z.boolean().default(true),
});
export type DecodeOptions = z.input<typeof decodeOptionsSchema>;
export type ResolvedDecodeOptions = z.output<typeof decodeOptionsSchema>;

/** Options with defaults filled in; throws ValidationError naming the bad option. */
export function resolveDecodeOptions(options: DecodeOptions = {}): ResolvedDecodeOptions {
  return parseOrThrow(decodeOptionsSchema, options, 'options');
}

export function vehicleDeviceKey(vehicleId: string): string {
  return `vehicle:${vehicleId}`;
}

export function owntracksDeviceKey(user: string, device: string): string {
  return `owntracks:${user}/${device}`;
}
