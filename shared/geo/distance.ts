import { assertLonLat } from './check.js';
import type { LonLat } from './types.js';

/** Mean Earth radius (IUGG R1) in metres; the sphere is accurate to ~0.5 % against the ellipsoid, ample for 50 m radii. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;
// Widening that keeps the search boxes conservative despite floating-point rounding in the bound formulas.
const REL_MARGIN = 1 + 1e-9;
const ABS_MARGIN_DEG = 1e-11;

/** Great-circle (haversine) distance in metres; inputs are not validated (hot-path use inside shared/geo). */
export function haversineRaw(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const s = Math.sin((lat2 - lat1) * RAD * 0.5);
  const t = Math.sin((lon2 - lon1) * RAD * 0.5);
  const h = s * s + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * t * t;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance in metres between two WGS-84 lon/lat points (validated). */
export function haversineM(a: LonLat, b: LonLat): number {
  assertLonLat(a[0], a[1], 'a');
  assertLonLat(b[0], b[1], 'b');
  return haversineRaw(a[0], a[1], b[0], b[1]);
}

/**
 * Half-height in degrees of a box that holds every point within `radiusM` (haversine) of any point:
 * the haversine term sin²(Δφ/2) alone already reaches sin²(r/2R), so |Δφ| ≤ r/R.
 */
export function latSpanDeg(radiusM: number): number {
  return (radiusM / EARTH_RADIUS_M) * DEG * REL_MARGIN + ABS_MARGIN_DEG;
}

/**
 * Half-width in degrees of a box that holds every point within `radiusM` of a point at latitude `lat`, or 180
 * when the circle reaches a pole. From h ≥ cosφ1·cosφ2·sin²(Δλ/2) with cosφ2 ≥ cos(|φ1| + r/R).
 */
export function lonSpanDeg(lat: number, radiusM: number): number {
  const angle = radiusM / EARTH_RADIUS_M;
  const farLat = Math.abs(lat) * RAD + angle;
  if (farLat >= Math.PI / 2) return 180;
  const ratio = Math.sin(angle / 2) / Math.sqrt(Math.cos(lat * RAD) * Math.cos(farLat));
  if (!(ratio < 1)) return 180;
  return Math.min(180, 2 * Math.asin(ratio) * DEG * REL_MARGIN + ABS_MARGIN_DEG);
}
