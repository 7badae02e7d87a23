import { describe, expect, it } from 'vitest';
import { type Alarm, type FenceInput, type Fix, GeofenceEngine } from '../../../shared/geofence/index.js';

const X0 = 119.48;
const Y0 = 31.42;
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const at = (e: number, n: number): [number, number] => [
  X0 + e / (M_PER_DEG * Math.cos((Y0 * Math.PI) / 180)),
  Y0 + n / M_PER_DEG,
];
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const local = (iso: string) => Date.parse(`${iso}+08:00`);
// 2026-03-02 is a Monday.
const MON_0900 = local('2026-03-02T09:00:00');

/** A fix for muck truck 1 at (east, north) metres. */
const fix = (ts: number, e: number, n: number, extra: Partial<Fix> = {}): Fix => {
  const [lon, lat] = at(e, n);
  return { deviceKey: 'muck-1', group: 'muck', ts, lat, lon, ...extra };
};
const run = (engine: GeofenceEngine, fixes: Fix[]): Alarm[] => fixes.flatMap((f) => engine.process(f));

// A straight approved route along the x axis, 30 m either side, monitored around the clock.
const route = {
  id: 'route-0142',
  name: '渣土车核准路线 0142',
  kind: 'route',
  groups: ['muck'],
  geometry: { type: 'LineString', coordinates: [at(0, 0), at(5000, 0)] },
  halfWidthM: 30,
  rules: { offRoute: true, raiseIntakeCandidate: true },
} satisfies FenceInput;

// A 1 km school zone with a 30 km/h limit.
const schoolZone = {
  id: 'school-zone',
  name: '学校周边限速区',
  kind: 'area',
  groups: ['muck', 'sanitation'],
  geometry: { type: 'Polygon', coordinates: [[at(0, 0), at(1000, 0), at(1000, 1000), at(0, 1000), at(0, 0)]] },
  rules: { speedLimitKmh: 30 },
} satisfies FenceInput;

describe('off-route episodes', () => {
  it('leaving, wandering for 50 fixes, coming back and leaving again raises exactly two intake candidates', () => {
    const engine = new GeofenceEngine([route]);
    const path: [number, number][] = [
      ...Array.from({ length: 10 }, (_, i): [number, number] => [i * 10, 0]),
      ...Array.from({ length: 50 }, (_, i): [number, number] => [100 + i * 10, 80 + ((i * 37) % 200)]),
      ...Array.from({ length: 10 }, (_, i): [number, number] => [600 + i * 10, 0]),
      ...Array.from({ length: 10 }, (_, i): [number, number] => [700 + i * 10, -120]),
    ];
    const fixes = path.map(([e, n], i) => fix(MON_0900 + i * SECOND, e, n));
    const alarms = run(engine, fixes);
    expect(alarms.map((a) => [a.type, a.raiseIntakeCandidate])).toEqual([
      ['off_route', true],
      ['off_route', true],
    ]);
    expect(new Set(alarms.map((a) => a.episodeId)).size).toBe(2);
  });

  it('coming back only within the margin does not end the episode', () => {
    const engine = new GeofenceEngine([route]);
    const alarms = run(engine, [
      fix(MON_0900, 0, 0),
      fix(MON_0900 + 1 * SECOND, 0, 100),
      fix(MON_0900 + 2 * SECOND, 0, 25), // 5 m inside the corridor: not yet back
      fix(MON_0900 + 3 * SECOND, 0, 100),
    ]);
    expect(alarms.map((a) => a.type)).toEqual(['off_route']);
  });

  it('the same stream replayed gives the same episode ids', () => {
    const stream = [fix(MON_0900, 0, 0), fix(MON_0900 + SECOND, 0, 100)];
    const first = run(new GeofenceEngine([route]), stream);
    expect(run(new GeofenceEngine([route]), stream)).toEqual(first);
    expect(first[0]?.episodeId).toBe(`off_route:route-0142:muck-1:${MON_0900 + SECOND}`);
  });

  it('a route without raiseIntakeCandidate raises the alarm with raiseIntakeCandidate false', () => {
    const engine = new GeofenceEngine([{ ...route, rules: { offRoute: true } }]);
    expect(run(engine, [fix(MON_0900, 0, 100)])).toMatchObject([{ type: 'off_route', raiseIntakeCandidate: false }]);
  });
});

describe('schedules', () => {
  const nightly = {
    ...route,
    schedule: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '20:00', end: '06:00' }],
  } satisfies FenceInput;
  const offRouteAt = (engine: GeofenceEngine, iso: string) => engine.process(fix(local(iso), 0, 100)).length;

  it('a route watched 20:00–06:00 ignores daytime off-route, and alarms once the window opens', () => {
    const engine = new GeofenceEngine([nightly]);
    expect(offRouteAt(engine, '2026-03-02T14:00:00')).toBe(0);
    expect(offRouteAt(engine, '2026-03-02T19:59:59')).toBe(0);
    expect(offRouteAt(engine, '2026-03-02T20:00:00')).toBe(1);
    expect(offRouteAt(engine, '2026-03-02T23:00:00')).toBe(0); // same episode
  });

  it('the window runs past midnight, and the episode ends when the window closes', () => {
    const engine = new GeofenceEngine([nightly]);
    expect(offRouteAt(engine, '2026-03-03T05:59:00')).toBe(1); // Monday's window, on Tuesday morning
    expect(offRouteAt(engine, '2026-03-03T06:00:00')).toBe(0);
    expect(offRouteAt(engine, '2026-03-03T20:30:00')).toBe(1); // a new night, a new episode
  });

  it("Mon–Fri nights: Friday's window reaches Saturday 06:00, and nothing runs on Sunday night into Monday", () => {
    const engine = new GeofenceEngine([nightly]);
    expect(offRouteAt(engine, '2026-03-07T05:00:00')).toBe(1); // Saturday
    expect(offRouteAt(engine, '2026-03-07T21:00:00')).toBe(0); // Saturday night
    expect(offRouteAt(engine, '2026-03-09T05:00:00')).toBe(0); // Monday early morning
    expect(offRouteAt(engine, '2026-03-09T20:00:00')).toBe(1);
  });

  it('a Sunday window crossing midnight wraps into Monday of the next week', () => {
    const sundayNight = { ...route, schedule: [{ days: ['sun'], start: '22:00', end: '02:00' }] } satisfies FenceInput;
    const engine = new GeofenceEngine([sundayNight]);
    expect(offRouteAt(engine, '2026-03-08T21:59:00')).toBe(0);
    expect(offRouteAt(engine, '2026-03-09T01:59:00')).toBe(1);
    expect(offRouteAt(engine, '2026-03-09T02:00:00')).toBe(0);
  });

  it("schedules are read in the city's UTC offset", () => {
    // 13:00 UTC is 21:00 in Beijing (+480) but 13:00 in a city configured at +0.
    const ts = Date.parse('2026-03-02T13:00:00Z');
    expect(new GeofenceEngine([nightly]).process(fix(ts, 0, 100))).toHaveLength(1);
    expect(new GeofenceEngine([nightly], { utcOffsetMinutes: 0 }).process(fix(ts, 0, 100))).toHaveLength(0);
  });
});

describe('overspeed inside a fence', () => {
  const speeds = (engine: GeofenceEngine, kmh: number[], start = MON_0900, step = SECOND) =>
    run(
      engine,
      kmh.map((speedKmh, i) => fix(start + i * step, 500, 500, { speedKmh })),
    );

  it('starts after 3 consecutive fixes over the limit and ends only below limit − 5 km/h', () => {
    const engine = new GeofenceEngine([schoolZone]);
    const alarms = speeds(engine, [20, 35, 35, 35, 36, 28, 31, 40, 24, 40, 40, 40]);
    expect(alarms.map((a) => [a.type, a.speedKmh, a.ts - MON_0900])).toEqual([
      ['overspeed', 35, 3000],
      ['overspeed', 40, 11_000],
    ]);
    expect(alarms[0]?.episodeId).toBe(`overspeed:school-zone:muck-1:${MON_0900 + SECOND}`);
  });

  it('a dip to the limit before the episode starts resets the count', () => {
    expect(speeds(new GeofenceEngine([schoolZone]), [35, 35, 30, 35, 35])).toEqual([]);
  });

  it('with sparse fixes, 10 seconds over the limit is enough', () => {
    const alarms = speeds(new GeofenceEngine([schoolZone]), [20, 45, 45], MON_0900, 30 * SECOND);
    expect(alarms.map((a) => a.ts - MON_0900)).toEqual([60_000]);
  });

  it('speeding outside the fence is not overspeed, and leaving ends the episode', () => {
    const engine = new GeofenceEngine([schoolZone]);
    const fast = { speedKmh: 60 };
    const alarms = run(engine, [
      ...[0, 1, 2, 3].map((i) => fix(MON_0900 + i * SECOND, -200, 500, fast)),
      ...[4, 5, 6].map((i) => fix(MON_0900 + i * SECOND, 500, 500, fast)),
      fix(MON_0900 + 7 * SECOND, -200, 500, fast),
      ...[8, 9, 10].map((i) => fix(MON_0900 + i * SECOND, 500, 500, fast)),
    ]);
    expect(alarms.map((a) => a.ts - MON_0900)).toEqual([6000, 10_000]);
  });
});

describe('offline detection', () => {
  const options = { offline: { afterSeconds: 300, byGroup: { collectors: 900 } }, forgetAfterSeconds: 3600 };

  it('one alarm per silence, cleared by the next fix', () => {
    const engine = new GeofenceEngine([], options);
    engine.process(fix(MON_0900, 0, 0));
    expect(engine.tick(MON_0900 + 300 * SECOND)).toEqual([]);
    const first = engine.tick(MON_0900 + 301 * SECOND);
    expect(first).toEqual([
      {
        type: 'offline',
        deviceKey: 'muck-1',
        ts: MON_0900 + 301 * SECOND,
        lat: Y0,
        lon: X0,
        episodeId: `offline:muck-1:${MON_0900}`,
      },
    ]);
    expect(engine.tick(MON_0900 + 400 * SECOND)).toEqual([]);
    engine.process(fix(MON_0900 + 500 * SECOND, 0, 0));
    expect(engine.tick(MON_0900 + 700 * SECOND)).toEqual([]);
    expect(engine.tick(MON_0900 + 801 * SECOND).map((a) => a.episodeId)).toEqual([
      `offline:muck-1:${MON_0900 + 500 * SECOND}`,
    ]);
  });

  it('each group has its own threshold', () => {
    const engine = new GeofenceEngine([], options);
    engine.process(fix(MON_0900, 0, 0, { deviceKey: 'phone-17', group: 'collectors' }));
    expect(engine.tick(MON_0900 + 10 * MINUTE)).toEqual([]);
    expect(engine.tick(MON_0900 + 15 * MINUTE + SECOND).map((a) => a.deviceKey)).toEqual(['phone-17']);
  });

  it('devices silent past forgetAfterSeconds are forgotten, and come back as new', () => {
    const engine = new GeofenceEngine([], options);
    engine.process(fix(MON_0900, 0, 0));
    engine.tick(MON_0900 + 3601 * SECOND);
    expect(engine.stats()).toMatchObject({ devices: 0, forgotten: 1 });
    engine.process(fix(MON_0900 - MINUTE, 0, 0)); // older than the forgotten last fix, but nothing remembers it
    expect(engine.stats()).toMatchObject({ devices: 1, processed: 2, outOfOrder: 0 });
  });
});

describe('out-of-order and bad fixes', () => {
  it('a fix older than the last one is ignored and counted, even when it would change the state', () => {
    const engine = new GeofenceEngine([route]);
    expect(run(engine, [fix(MON_0900, 0, 0), fix(MON_0900 + 2 * SECOND, 10, 0)])).toEqual([]);
    expect(engine.process(fix(MON_0900 + SECOND, 0, 500))).toEqual([]);
    expect(engine.process(fix(MON_0900 + 2 * SECOND, 0, 500))).toEqual([]);
    expect(engine.stats()).toMatchObject({ processed: 2, outOfOrder: 1, duplicates: 1 });
    expect(engine.process(fix(MON_0900 + 3 * SECOND, 0, 500)).map((a) => a.type)).toEqual(['off_route']);
  });

  it('a fix with coordinates out of range or a non-finite time is counted as invalid; a bad speed is dropped', () => {
    const engine = new GeofenceEngine([schoolZone]);
    expect(engine.process({ ...fix(MON_0900, 0, 0), lat: 91 })).toEqual([]);
    expect(engine.process({ ...fix(MON_0900, 0, 0), lon: Number.NaN })).toEqual([]);
    expect(engine.process({ ...fix(MON_0900, 0, 0), ts: Number.POSITIVE_INFINITY })).toEqual([]);
    expect(engine.process(fix(MON_0900, 500, 500, { speedKmh: -1 }))).toEqual([]);
    expect(engine.stats()).toMatchObject({ processed: 1, invalid: 3 });
  });
});
