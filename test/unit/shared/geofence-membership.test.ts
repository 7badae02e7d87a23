import { describe, expect, it } from 'vitest';
import { type Alarm, type FenceInput, GeofenceEngine } from '../../../shared/geofence/index.js';

// A local metre grid near Liyang: at(east, north) → [lon, lat]. Fixtures stay within ~1 km, where the grid and
// the engine's own projection agree to millimetres.
const X0 = 119.48;
const Y0 = 31.42;
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const at = (e: number, n: number): [number, number] => [
  X0 + e / (M_PER_DEG * Math.cos((Y0 * Math.PI) / 180)),
  Y0 + n / M_PER_DEG,
];
const ring = (...points: [number, number][]) => [...points, points[0] ?? [0, 0]].map(([e, n]) => at(e, n));
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

const fences = {
  // A U opening north: the notch (x 100–200, y 100–300) is outside the yard.
  uYard: {
    id: 'u-yard',
    name: '渣土消纳场 U 形场地',
    kind: 'area',
    groups: ['muck'],
    geometry: {
      type: 'Polygon',
      coordinates: [ring([0, 0], [300, 0], [300, 300], [200, 300], [200, 100], [100, 100], [100, 300], [0, 300])],
    },
    rules: { enter: true, exit: true, cross: true },
  },
  // A 400 m square with a 100 m hole in its middle (a park around a private compound).
  park: {
    id: 'park',
    name: '公园禁行区',
    kind: 'area',
    groups: ['muck'],
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([1000, 0], [1400, 0], [1400, 400], [1000, 400]),
        ring([1150, 150], [1250, 150], [1250, 250], [1150, 250]),
      ],
    },
    rules: { enter: true, exit: true },
  },
  // An L-shaped approved route: east 1 km, then north 1 km, 30 m either side.
  route: {
    id: 'route-0142',
    name: '渣土车核准路线 0142',
    kind: 'route',
    groups: ['muck'],
    geometry: { type: 'LineString', coordinates: [at(0, -2000), at(1000, -2000), at(1000, -1000)] },
    halfWidthM: 30,
    rules: { offRoute: true, raiseIntakeCandidate: true },
  },
} satisfies Record<string, FenceInput>;

/** Drives one device through the points (metres), one fix per second, and returns every alarm. */
function drive(engine: GeofenceEngine, points: [number, number][], deviceKey = 'truck-1'): Alarm[] {
  return points.flatMap(([e, n], i) => {
    const [lon, lat] = at(e, n);
    return engine.process({ deviceKey, group: 'muck', ts: T0 + i * 1000, lat, lon });
  });
}
const line = (from: [number, number], to: [number, number], step: number): [number, number][] => {
  const n = Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) / step);
  return Array.from({ length: n + 1 }, (_, i) => [
    from[0] + ((to[0] - from[0]) * i) / n,
    from[1] + ((to[1] - from[1]) * i) / n,
  ]);
};
const types = (alarms: Alarm[]) => alarms.map((a) => `${a.type}:${a.fenceId}`);

describe('enter, exit and cross on a concave polygon', () => {
  it('a path down the notch of a U never enters it, although it is inside the bounding box', () => {
    const engine = new GeofenceEngine([fences.uYard]);
    expect(drive(engine, [...line([150, 500], [150, 130], 7), ...line([150, 130], [150, 500], 7)])).toEqual([]);
  });

  it('a path across both arms enters and leaves twice, each visit a cross', () => {
    const engine = new GeofenceEngine([fences.uYard]);
    const alarms = drive(engine, line([-100, 200], [400, 200], 7));
    expect(types(alarms)).toEqual([
      'enter:u-yard',
      'exit:u-yard',
      'cross:u-yard',
      'enter:u-yard',
      'exit:u-yard',
      'cross:u-yard',
    ]);
    // Transitions happen only once the point is more than the 10 m margin past the edge.
    const east = (a: Alarm | undefined) => ((a?.lon ?? 0) - X0) * M_PER_DEG * Math.cos((Y0 * Math.PI) / 180);
    expect(east(alarms[0])).toBeGreaterThan(10);
    expect(east(alarms[1])).toBeGreaterThan(110);
    expect(east(alarms[3])).toBeGreaterThan(210);
    expect(east(alarms[4])).toBeGreaterThan(310);
    // Enter, exit and cross of one visit share an episode; the two visits differ.
    expect(alarms[1]?.episodeId).toBe(alarms[0]?.episodeId);
    expect(alarms[2]?.episodeId).toBe(alarms[0]?.episodeId);
    expect(alarms[3]?.episodeId).not.toBe(alarms[0]?.episodeId);
  });

  it('a device first seen inside is inside without an enter alarm, and its leaving is an exit but not a cross', () => {
    const engine = new GeofenceEngine([fences.uYard]);
    expect(types(drive(engine, line([50, 50], [-100, 50], 7)))).toEqual(['exit:u-yard']);
  });

  it('a fix far from the yard after being inside it is an exit, though the yard is no longer a spatial candidate', () => {
    const engine = new GeofenceEngine([fences.uYard]);
    expect(
      types(
        drive(engine, [
          [-100, 50],
          [50, 50],
          [5000, 5000],
        ]),
      ),
    ).toEqual(['enter:u-yard', 'exit:u-yard', 'cross:u-yard']);
  });

  it('only the rules a fence asks for raise alarms', () => {
    const crossOnly = { ...fences.uYard, rules: { cross: true } };
    const engine = new GeofenceEngine([crossOnly]);
    expect(types(drive(engine, line([-100, 50], [400, 50], 7)))).toEqual(['cross:u-yard']);
  });
});

describe('a polygon with a hole', () => {
  it('driving into the hole is an exit, and out of it again an enter', () => {
    const engine = new GeofenceEngine([fences.park]);
    expect(types(drive(engine, line([1050, 200], [1350, 200], 7)))).toEqual(['exit:park', 'enter:park']);
  });
});

describe('a route corridor with a bend', () => {
  it('following the route round the bend, weaving 20 m either side and cutting the corner, stays on route', () => {
    const engine = new GeofenceEngine([fences.route]);
    const weave = (p: [number, number], i: number): [number, number] =>
      p[1] === -2000 ? [p[0], p[1] + (i % 2 ? 20 : -20)] : [p[0] + (i % 2 ? 20 : -20), p[1]];
    const path = [
      ...line([0, -2000], [960, -2000], 8).map(weave),
      ...line([975, -2000], [1000, -1975], 5), // 12 m off the line at the corner's worst point
      ...line([1000, -1960], [1000, -1000], 8).map(weave),
    ];
    expect(drive(engine, path)).toEqual([]);
  });

  it('overshooting the bend raises off_route once the truck is more than half-width + margin past the corner', () => {
    const engine = new GeofenceEngine([fences.route]);
    // Fixes every 5 m at 802, 807, …: 12 m past the 30 m half-width + 10 m margin at 1042.
    const alarms = drive(engine, line([802, -2000], [1202, -2000], 5));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 'off_route', fenceId: 'route-0142', raiseIntakeCandidate: true });
    const [lonAtAlarm] = at(1042, -2000);
    expect(alarms[0]?.lon).toBeCloseTo(lonAtAlarm, 6);
  });

  it('a vehicle of another group is not held to the route', () => {
    const engine = new GeofenceEngine([fences.route]);
    const [lon, lat] = at(500, 500);
    expect(engine.process({ deviceKey: 'sweeper-7', group: 'sanitation', ts: T0, lat, lon })).toEqual([]);
  });
});

describe('hysteresis on the boundary', () => {
  // 100 fixes alternating 5 m inside and 5 m outside the west edge of the U, after an approach from outside.
  const jitter: [number, number][] = [
    [-100, 50],
    ...Array.from({ length: 100 }, (_, i): [number, number] => [i % 2 ? -5 : 5, 50]),
  ];

  it('GPS jitter of ±5 m across the edge never flaps with the default 10 m margins', () => {
    expect(drive(new GeofenceEngine([fences.uYard]), jitter)).toEqual([]);
  });

  it('without margins the same stream would flap on every fix', () => {
    const engine = new GeofenceEngine([fences.uYard], { enterMarginM: 0, exitMarginM: 0 });
    expect(drive(engine, jitter).filter((a) => a.type === 'enter' || a.type === 'exit')).toHaveLength(100);
  });

  it('confirmFixes needs that many consecutive fixes beyond the margin', () => {
    const engine = new GeofenceEngine([fences.uYard], { confirmFixes: 3 });
    const path: [number, number][] = [
      [-100, 50],
      [30, 50],
      [30, 50],
      [5, 50],
      [30, 50],
      [30, 50],
      [30, 50],
    ];
    const alarms = drive(engine, path);
    expect(types(alarms)).toEqual(['enter:u-yard']);
    expect(alarms[0]?.ts).toBe(T0 + 6000);
  });

  it('settleFixes lets a vehicle parked just inside the edge count as inside', () => {
    const engine = new GeofenceEngine([fences.uYard], { settleFixes: 5 });
    const parked: [number, number][] = [[-100, 50], ...Array.from({ length: 6 }, (): [number, number] => [4, 50])];
    const alarms = drive(engine, parked);
    expect(types(alarms)).toEqual(['enter:u-yard']);
    expect(alarms[0]?.ts).toBe(T0 + 5000);
  });
});
