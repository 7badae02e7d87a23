import { z } from 'zod';

/** Bounds shared by every position payload, so the Wanmi and OwnTracks decoders agree on what is plausible. */
export const limits = {
  lat: [-90, 90],
  lon: [-180, 180],
  /** km/h: nothing a district tracks (muck trucks, sanitation vehicles, collectors on foot) goes faster. */
  speedKmh: [0, 300],
  headingDeg: [0, 360],
  /** metres: below the Dead Sea and above any road in China are receiver errors. */
  altM: [-1000, 20_000],
  batteryPct: [0, 100],
  sats: [0, 255],
} as const;

/** Missing and mistyped read differently to whoever fixes the device. */
const numberError = (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : 'must be a number');

/** A finite number in `[min, max]`, with rules an operator can read. */
export function bounded(min: number, max: number, description: string) {
  return z
    .number({ error: numberError })
    .min(min, { error: `must be ≥ ${min}` })
    .max(max, { error: `must be ≤ ${max}` })
    .meta({ description });
}

/** A finite number ≥ 0 (accuracies, pressures). */
export function nonNegative(description: string) {
  return z.number({ error: numberError }).min(0, { error: 'must be ≥ 0' }).meta({ description });
}

/** A whole number in `[min, max]`. */
export function wholeNumber(min: number, max: number, description: string) {
  return z
    .number({ error: numberError })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be ≥ ${min}` })
    .max(max, { error: `must be ≤ ${max}` })
    .meta({ description });
}

/** Epoch seconds (OwnTracks `tst`, `wtst`, `created_at`); 2^32 s is the year 2106. */
export function epochSeconds(description: string) {
  return wholeNumber(0, 4_294_967_295, description);
}

/** Epoch milliseconds. */
export function epochMillis(description: string) {
  return wholeNumber(0, 8_640_000_000_000_000, description);
}

export function text(max: number, description: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .max(max, { error: `at most ${max} characters` })
    .meta({ description });
}

export const latitude = bounded(...limits.lat, 'latitude, WGS-84 decimal degrees (never GCJ-02/BD-09)');
export const longitude = bounded(...limits.lon, 'longitude, WGS-84 decimal degrees (never GCJ-02/BD-09)');

/** ISO 8601 date-time with a zone (`Z` or `±hh:mm`); a local time without zone is ambiguous and refused. */
export const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with zone' });

/** Lower-case hex sha256 (content address of a blob). */
export const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex sha256' });
