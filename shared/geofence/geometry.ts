import pointInPolygon from 'point-in-polygon-hao';
import { EARTH_RADIUS_M, latSpanDeg, lonSpanDeg } from '../geo/distance.js';
import type { Fence } from './schema.js';

const RAD = Math.PI / 180;
const M_PER_DEG = EARTH_RADIUS_M * RAD;

/** A fence's geometry made ready for repeated distance tests. */
export interface PreparedGeometry {
  /** Polygon parts (outer ring then holes) as point-in-polygon-hao takes them; undefined for a corridor. */
  readonly parts: number[][][][] | undefined;
  /** Rings of every part, or the corridor's lines, as flat `[lon, lat, lon, lat, …]` arrays. */
  readonly paths: readonly Float64Array[];
  /** Corridor half-width in metres; 0 for polygons. */
  readonly halfWidthM: number;
  /** Bounding box of all vertices: minLon, minLat, maxLon, maxLat. */
  readonly bbox: readonly [number, number, number, number];
}

export function prepareGeometry(fence: Fence): PreparedGeometry {
  let lines: (readonly (readonly number[])[])[];
  let parts: number[][][][] | undefined;
  if (fence.kind === 'area') {
    const polygons = fence.geometry.type === 'Polygon' ? [fence.geometry.coordinates] : fence.geometry.coordinates;
    parts = polygons.map((rings) => rings.map((ring) => ring.map((p) => [p[0], p[1]])));
    lines = polygons.flat();
  } else {
    lines = fence.geometry.type === 'LineString' ? [fence.geometry.coordinates] : fence.geometry.coordinates;
  }
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const paths = lines.map((line) => {
    const flat = new Float64Array(line.length * 2);
    line.forEach((p, i) => {
      const lon = p[0] ?? 0;
      const lat = p[1] ?? 0;
      flat[2 * i] = lon;
      flat[2 * i + 1] = lat;
      bbox[0] = Math.min(bbox[0], lon);
      bbox[1] = Math.min(bbox[1], lat);
      bbox[2] = Math.max(bbox[2], lon);
      bbox[3] = Math.max(bbox[3], lat);
    });
    return flat;
  });
  return { parts, paths, halfWidthM: fence.kind === 'route' ? fence.halfWidthM : 0, bbox };
}

/**
 * The box that holds every point whose signed distance to the fence is above −`marginM` (inside a polygon, within
 * half-width + margin of a corridor). Widened by 5 % + 5 m over the spherical bound, so a fix outside it is surely
 * farther out than the margin under the equirectangular metric used by signedDistanceM as well.
 */
export function searchBox(geom: PreparedGeometry, marginM: number): [number, number, number, number] {
  const reach = (geom.halfWidthM + marginM) * 1.05 + 5;
  const [minLon, minLat, maxLon, maxLat] = geom.bbox;
  const dLat = latSpanDeg(reach);
  const dLon = lonSpanDeg(Math.max(Math.abs(minLat), Math.abs(maxLat)), reach);
  return [
    Math.max(-180, minLon - dLon),
    Math.max(-90, minLat - dLat),
    Math.min(180, maxLon + dLon),
    Math.min(90, maxLat + dLat),
  ];
}

/**
 * Signed distance in metres from (lon, lat) to the fence edge: positive inside (polygon interior, or within the
 * corridor's half-width), negative outside, 0 on the edge. |result| is clamped to `capM` (the engine only asks
 * "beyond the margin or not", and the cap lets most edges be skipped by a box test).
 *
 * Inside/outside comes from point-in-polygon-hao on the lon/lat coordinates, so it is exact (holes are outside).
 * Distances use a local equirectangular projection centred on the point: x = R·cosφ₀·Δλ, y = R·Δφ. The map is
 * affine in (λ, φ), so GeoJSON's straight lon/lat edges stay straight and the nearest edge point is found exactly;
 * only the metric is approximate: about ½·tan|φ₀|·d/R relative at distance d against haversine (for d = 20 km:
 * 0.1 % at 31° N, 0.2 % at 53° N; measured 0.03 % and 0.08 %), under a millimetre at margin scale (d ≤ 100 m).
 * The sphere itself is within ~0.5 % of WGS-84, as everywhere in shared/geo.
 * Not meant for fences across the antimeridian or at the poles (no such districts).
 */
export function signedDistanceM(geom: PreparedGeometry, lon: number, lat: number, capM = Infinity): number {
  if (geom.parts === undefined) {
    const reach = geom.halfWidthM + capM;
    const d = geom.halfWidthM - nearestM(geom.paths, lon, lat, reach);
    return d > capM ? capM : d;
  }
  const near = nearestM(geom.paths, lon, lat, capM);
  return containsPoint(geom.parts, lon, lat) ? near : -near;
}

// Edges and vertices count as inside, as in shared/geo.
function containsPoint(parts: readonly number[][][][], lon: number, lat: number): boolean {
  const point = [lon, lat];
  for (const rings of parts) {
    if (pointInPolygon(point, rings) !== false) return true;
  }
  return false;
}

/** Distance in metres from the point to the nearest segment of any path, or `capM` when none is closer. */
function nearestM(paths: readonly Float64Array[], lon: number, lat: number, capM: number): number {
  const ky = M_PER_DEG;
  const kx = M_PER_DEG * Math.cos(lat * RAD);
  let best = capM;
  let best2 = capM * capM;
  for (const p of paths) {
    let ax = ((p[0] ?? 0) - lon) * kx;
    let ay = ((p[1] ?? 0) - lat) * ky;
    for (let i = 2; i < p.length; i += 2) {
      const bx = ((p[i] ?? 0) - lon) * kx;
      const by = ((p[i + 1] ?? 0) - lat) * ky;
      // A segment whose box lies wholly beyond the best distance on one axis cannot improve it.
      const far =
        (ax > best && bx > best) ||
        (ax < -best && bx < -best) ||
        (ay > best && by > best) ||
        (ay < -best && by < -best);
      if (!far) {
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const px = ax + t * dx;
        const py = ay + t * dy;
        const d2 = px * px + py * py;
        if (d2 < best2) {
          best2 = d2;
          best = Math.sqrt(d2);
        }
      }
      ax = bx;
      ay = by;
    }
  }
  return best;
}
