import { ValidationError } from '../validation.js';

/** Rule texts shared by every geo input check, so messages read the same everywhere. */
export const rules = {
  lon: 'must be a finite longitude within [-180, 180]',
  lat: 'must be a finite latitude within [-90, 90]',
} as const;

export function isLon(value: unknown): value is number {
  return typeof value === 'number' && value >= -180 && value <= 180;
}

export function isLat(value: unknown): value is number {
  return typeof value === 'number' && value >= -90 && value <= 90;
}

/** Throws a ValidationError naming `${field}.lon` / `${field}.lat` (or bare `lon`/`lat`) when out of range. */
export function assertLonLat(lon: unknown, lat: unknown, field?: string): void {
  // Range comparisons are false for NaN, so the two checks also reject NaN and ±Infinity.
  if (!isLon(lon)) fail(field ? `${field}.lon` : 'lon', rules.lon);
  if (!isLat(lat)) fail(field ? `${field}.lat` : 'lat', rules.lat);
}

export function fail(field: string, rule: string): never {
  throw new ValidationError(field, rule, `${field}: ${rule}`);
}
