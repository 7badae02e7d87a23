import { haversineRaw } from '../../shared/geo/distance.js';

export interface TrackPoint {
  ts: number;
  lat: number;
  lon: number;
  speed: number | null;
}

export interface Stop {
  from: number;
  to: number;
  durationS: number;
  lat: number;
  lon: number;
}

export interface Trip {
  from: number;
  to: number;
  durationS: number;
  distanceM: number;
  maxSpeedKmh: number | null;
  fixes: number;
  start: { lat: number; lon: number };
  end: { lat: number; lon: number };
}

export interface SegmentOptions {
  stopSpeedKmh: number;
  stopRadiusM: number;
  minStopSeconds: number;
}

/**
 * Trips and stops of one device's track (points in time order). A stop is a run of fixes that stay within
 * `stopRadiusM` of its first fix, at reported speeds below `stopSpeedKmh`, lasting at least `minStopSeconds`; a trip
 * is what lies between two stops (or the track's ends) and moves farther than the stop radius. Pure.
 */
export function segmentTrack(points: readonly TrackPoint[], o: SegmentOptions): { trips: Trip[]; stops: Stop[] } {
  const stops: Stop[] = [];
  // [start index, end index] of each stop, to cut trips between them.
  const spans: [number, number][] = [];
  let anchor = 0;
  const closeCluster = (end: number) => {
    const a = points[anchor];
    const b = points[end];
    if (!a || !b || end <= anchor) return;
    if (b.ts - a.ts < o.minStopSeconds * 1000) return;
    let lat = 0;
    let lon = 0;
    for (let k = anchor; k <= end; k++) {
      lat += (points[k] as TrackPoint).lat;
      lon += (points[k] as TrackPoint).lon;
    }
    const n = end - anchor + 1;
    stops.push({ from: a.ts, to: b.ts, durationS: Math.round((b.ts - a.ts) / 1000), lat: lat / n, lon: lon / n });
    spans.push([anchor, end]);
  };
  for (let i = 1; i < points.length; i++) {
    const a = points[anchor] as TrackPoint;
    const p = points[i] as TrackPoint;
    const slow = p.speed === null || p.speed < o.stopSpeedKmh;
    if (slow && haversineRaw(a.lon, a.lat, p.lon, p.lat) <= o.stopRadiusM) continue;
    closeCluster(i - 1);
    anchor = i;
  }
  closeCluster(points.length - 1);

  const trips: Trip[] = [];
  const addTrip = (from: number, to: number) => {
    if (to <= from) return;
    let distanceM = 0;
    let maxSpeed: number | null = null;
    for (let k = from + 1; k <= to; k++) {
      const a = points[k - 1] as TrackPoint;
      const b = points[k] as TrackPoint;
      distanceM += haversineRaw(a.lon, a.lat, b.lon, b.lat);
    }
    for (let k = from; k <= to; k++) {
      const s = (points[k] as TrackPoint).speed;
      if (s !== null && (maxSpeed === null || s > maxSpeed)) maxSpeed = s;
    }
    if (distanceM <= o.stopRadiusM) return;
    const a = points[from] as TrackPoint;
    const b = points[to] as TrackPoint;
    trips.push({
      from: a.ts,
      to: b.ts,
      durationS: Math.round((b.ts - a.ts) / 1000),
      distanceM: Math.round(distanceM),
      maxSpeedKmh: maxSpeed,
      fixes: to - from + 1,
      start: { lat: a.lat, lon: a.lon },
      end: { lat: b.lat, lon: b.lon },
    });
  };
  let cursor = 0;
  for (const [s, e] of spans) {
    addTrip(cursor, s);
    cursor = e;
  }
  addTrip(cursor, points.length - 1);
  return { trips, stops };
}
