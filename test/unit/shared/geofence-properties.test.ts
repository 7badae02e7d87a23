import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Alarm,
  type FenceInput,
  type Fix,
  fenceSchema,
  GeofenceEngine,
  prepareGeometry,
  signedDistanceM,
} from '../../../shared/geofence/index.js';

const X0 = 119.48;
const Y0 = 31.42;
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const at = (e: number, n: number): [number, number] => [
  X0 + e / (M_PER_DEG * Math.cos((Y0 * Math.PI) / 180)),
  Y0 + n / M_PER_DEG,
];
const ring = (...points: [number, number][]) => [...points, points[0] ?? [0, 0]].map(([e, n]) => at(e, n));
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const numRuns = 500;
// Uniform over the range to the decimetre (fc.double crowds values near 0, which would pile fixes on one corner).
const metres = (min: number, max: number) =>
  fc.noBias(fc.integer({ min: min * 10, max: max * 10 })).map((dm) => dm / 10);

const depot = {
  id: 'depot',
  name: '环卫车停车场',
  kind: 'area',
  groups: ['sanitation', 'muck'],
  geometry: { type: 'Polygon', coordinates: [ring([0, 0], [400, 0], [400, 400], [0, 400])] },
  rules: { enter: true, exit: true },
} satisfies FenceInput;

describe('hysteresis: jitter within the margin never flaps', () => {
  /** A point `insideM` metres inside the depot's west, east, south or north edge (0–3), `along` metres along it. */
  const nearEdge = (edge: number, insideM: number, along: number): [number, number] => {
    if (edge === 0) return [insideM, along];
    if (edge === 1) return [400 - insideM, along];
    if (edge === 2) return [along, insideM];
    return [along, 400 - insideM];
  };

  it('an approach, then 100 fixes jittering across an edge by less than the margin: at most one transition', () => {
    const scenario = fc.record({
      marginM: fc.constantFrom(10, 15, 25),
      confirmFixes: fc.integer({ min: 1, max: 3 }),
      edge: fc.integer({ min: 0, max: 3 }),
      startOffsetM: metres(-60, 60),
      // Offsets as a fraction of the margin, kept 0.5 m clear of it; along-edge positions away from the corners.
      jitter: fc.array(fc.tuple(fc.noBias(fc.integer({ min: -1000, max: 1000 })), metres(50, 350)), {
        minLength: 100,
        maxLength: 100,
      }),
    });
    fc.assert(
      fc.property(scenario, ({ marginM, confirmFixes, edge, startOffsetM, jitter }) => {
        const engine = new GeofenceEngine([depot], { enterMarginM: marginM, exitMarginM: marginM, confirmFixes });
        const point = (insideM: number, along: number) => nearEdge(edge, insideM, along);
        const path = [
          point(-200, 200),
          point(startOffsetM, 200),
          ...jitter.map(([f, along]) => point((f / 1000) * (marginM - 0.5), along)),
        ];
        const alarms = path.flatMap(([e, n], i) => {
          const [lon, lat] = at(e, n);
          return engine.process({ deviceKey: 'truck', group: 'muck', ts: T0 + i * 1000, lat, lon });
        });
        const transitions = alarms.filter((a) => a.type === 'enter' || a.type === 'exit');
        expect(transitions.length).toBeLessThanOrEqual(1);
        // The only transition possible is the approach's own, before any jitter.
        expect(transitions.every((a) => a.ts === T0 + 1000)).toBe(true);
      }),
      { numRuns },
    );
  });
});

describe('the engine on arbitrary fix streams', () => {
  const fences: FenceInput[] = [
    depot,
    {
      id: 'u-yard',
      name: 'U 形场地',
      kind: 'area',
      groups: ['muck'],
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [ring([600, 0], [900, 0], [900, 300], [800, 300], [800, 100], [700, 100], [700, 300], [600, 300])],
          [ring([1000, 0], [1400, 400], [1000, 400]), ring([1050, 300], [1150, 300], [1050, 350])],
        ],
      },
      rules: { enter: true, exit: true, cross: true, speedLimitKmh: 30 },
    },
    {
      id: 'route',
      name: '核准路线',
      kind: 'route',
      groups: ['muck'],
      geometry: { type: 'LineString', coordinates: [at(-200, -100), at(1200, -100), at(1200, 600)] },
      halfWidthM: 30,
      rules: { enter: true, exit: true, offRoute: true, raiseIntakeCandidate: true, speedLimitKmh: 50 },
    },
    {
      id: 'night-market',
      name: '夜市',
      kind: 'area',
      groups: ['sanitation', 'muck'],
      geometry: { type: 'Polygon', coordinates: [ring([100, 100], [700, 100], [700, 700], [100, 700])] },
      schedule: [{ days: ['mon', 'wed', 'fri', 'sun'], start: '18:00', end: '02:00' }],
      rules: { enter: true, exit: true, cross: true },
    },
  ];
  // Scheduled fences stay silent while inactive, so only always-on fences must strictly alternate.
  const alwaysOn = new Set(['depot', 'u-yard', 'route']);
  const geometries = fences
    .map((f) => fenceSchema.parse(f))
    .filter((f) => alwaysOn.has(f.id))
    .map((f) => ({ id: f.id, groups: f.groups, geometry: prepareGeometry(f) }));
  const devices = [
    { deviceKey: 'muck-1', group: 'muck' },
    { deviceKey: 'muck-2', group: 'muck' },
    { deviceKey: 'sweeper-1', group: 'sanitation' },
  ];

  const near = fc.tuple(metres(-400, 1600), metres(-300, 800)).map(([e, n]) => at(e, n));
  const extreme = fc.tuple(
    fc.oneof(fc.constantFrom(-180, 180, 0, X0), fc.double({ min: -180, max: 180, noNaN: true })),
    fc.oneof(fc.constantFrom(-90, 90, 0, Y0), fc.double({ min: -90, max: 90, noNaN: true })),
  );
  const op = fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record({
        kind: fc.constant('fix' as const),
        device: fc.integer({ min: 0, max: devices.length - 1 }),
        dt: fc.integer({ min: -5000, max: 3_600_000 }),
        position: fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: extreme }),
        speedKmh: fc.option(fc.noBias(fc.integer({ min: 0, max: 200 })), { nil: undefined }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 86_400_000 }) }),
    },
  );

  it('never throws, replays identically, and per device and fence enter and exit alternate', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }), (ops) => {
        const replay = () => {
          // Forgetting a device restarts its alternation, so keep every device remembered here.
          const engine = new GeofenceEngine(fences, { forgetAfterSeconds: 365 * 86_400 });
          const clock = new Map<string, number>();
          const out: { fix?: Fix; alarms: Alarm[] }[] = [];
          let now = T0;
          for (const o of ops) {
            if (o.kind === 'tick') {
              out.push({ alarms: engine.tick(now + o.dt) });
              continue;
            }
            const device = devices[o.device] ?? devices[0];
            if (!device) continue;
            const ts = (clock.get(device.deviceKey) ?? T0) + o.dt;
            clock.set(device.deviceKey, Math.max(ts, clock.get(device.deviceKey) ?? T0));
            now = Math.max(now, ts);
            const fix: Fix = { ...device, ts, lon: o.position[0], lat: o.position[1], speedKmh: o.speedKmh };
            out.push({ fix, alarms: engine.process(fix) });
          }
          return { out, stats: engine.stats() };
        };
        const { out, stats } = replay();
        expect(replay().out).toEqual(out);
        const calls = out.filter((r) => r.fix).length;
        expect(stats.processed + stats.outOfOrder + stats.duplicates + stats.invalid).toBe(calls);

        const last = new Map<string, Alarm>();
        const crossed = new Set<string>();
        const lastTs = new Map<string, number>();
        for (const { fix, alarms } of out) {
          for (const alarm of alarms) {
            if (fix) expect(alarm).toMatchObject({ deviceKey: fix.deviceKey, ts: fix.ts, lat: fix.lat, lon: fix.lon });
            if (alarm.type === 'off_route') expect(alarm.raiseIntakeCandidate).toBe(true);
            if (!alarm.fenceId || !alwaysOn.has(alarm.fenceId)) continue;
            if (alarm.type !== 'enter' && alarm.type !== 'exit' && alarm.type !== 'cross') continue;
            const key = `${alarm.deviceKey}/${alarm.fenceId}`;
            const previous = last.get(key);
            if (alarm.type === 'enter') expect(previous?.type ?? 'exit').not.toBe('enter');
            if (alarm.type === 'exit') {
              expect(previous?.type ?? 'enter').toBe('enter');
              if (previous) expect(alarm.episodeId).toBe(previous.episodeId);
            }
            if (alarm.type === 'cross') {
              expect(previous).toMatchObject({ type: 'exit', episodeId: alarm.episodeId });
              expect(crossed.has(alarm.episodeId)).toBe(false);
              crossed.add(alarm.episodeId);
              continue;
            }
            last.set(key, alarm);
          }
          // After a processed fix clearly beyond the 10 m margins, the alarms so far must agree with where it is.
          if (!fix || fix.ts <= (lastTs.get(fix.deviceKey) ?? Number.NEGATIVE_INFINITY)) continue;
          lastTs.set(fix.deviceKey, fix.ts);
          for (const fence of geometries) {
            if (!fence.groups.includes(fix.group)) continue;
            const d = signedDistanceM(fence.geometry, fix.lon, fix.lat);
            const known = last.get(`${fix.deviceKey}/${fence.id}`)?.type;
            if (d > 10.5) expect(known).not.toBe('exit');
            if (d < -10.5) expect(known).not.toBe('enter');
          }
        }
      }),
      { numRuns },
    );
  });
});
