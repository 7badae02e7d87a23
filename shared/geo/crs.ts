import gcoordModule from 'gcoord';
import { assertLonLat, fail } from './check.js';
import type { LonLat } from './types.js';

type Gcoord = typeof gcoordModule.default;

function isGcoord(value: unknown): value is Gcoord {
  return typeof value === 'object' && value !== null && 'transform' in value && typeof value.transform === 'function';
}

// gcoord 1.0.7 ships ESM-style typings for a CommonJS build: Node hands us `module.exports` itself while the
// typings (under NodeNext) expect the API under `.default`. Accept whichever shape is really there.
const gcoord: Gcoord = isGcoord(gcoordModule) ? gcoordModule : gcoordModule.default;
if (!isGcoord(gcoord)) throw new Error('gcoord: unexpected module shape (no transform function)');

/**
 * Coordinate systems we convert between. CGCS2000 (China's survey datum) differs from WGS-84 by centimetres, so it
 * is treated as WGS-84. GCJ-02 is the obfuscated datum of Chinese web maps (AMap, Tencent); BD-09 is Baidu's.
 */
export const coordinateSystems = ['WGS84', 'CGCS2000', 'GCJ02', 'BD09'] as const;
export type CoordinateSystem = (typeof coordinateSystems)[number];

const gcoordCrs = {
  WGS84: gcoord.WGS84,
  CGCS2000: gcoord.WGS84,
  GCJ02: gcoord.GCJ02,
  BD09: gcoord.BD09,
} as const;

function isCoordinateSystem(value: unknown): value is CoordinateSystem {
  return typeof value === 'string' && Object.hasOwn(gcoordCrs, value);
}

/**
 * Converts a lon/lat point between coordinate systems with gcoord. Outside gcoord's rough China box GCJ-02 and
 * WGS-84 coincide (as on the web maps). GCJ-02/BD-09 → WGS-84 is iterative and good to about 0.1 m.
 */
export function convertCoordinate(point: LonLat, from: CoordinateSystem, to: CoordinateSystem): LonLat {
  if (!Array.isArray(point)) fail('point', 'must be a [lon, lat] pair');
  assertLonLat(point[0], point[1], 'point');
  if (!isCoordinateSystem(from)) fail('from', `must be one of ${coordinateSystems.join(', ')}`);
  if (!isCoordinateSystem(to)) fail('to', `must be one of ${coordinateSystems.join(', ')}`);
  const out = gcoord.transform([point[0], point[1]], gcoordCrs[from], gcoordCrs[to]);
  return [out[0], out[1]];
}

/** WGS-84 (or CGCS2000) → GCJ-02. */
export function wgs84ToGcj02(point: LonLat): LonLat {
  return convertCoordinate(point, 'WGS84', 'GCJ02');
}

/** GCJ-02 → WGS-84. */
export function gcj02ToWgs84(point: LonLat): LonLat {
  return convertCoordinate(point, 'GCJ02', 'WGS84');
}

/** WGS-84 (or CGCS2000) → BD-09. */
export function wgs84ToBd09(point: LonLat): LonLat {
  return convertCoordinate(point, 'WGS84', 'BD09');
}

/** BD-09 → WGS-84. */
export function bd09ToWgs84(point: LonLat): LonLat {
  return convertCoordinate(point, 'BD09', 'WGS84');
}
