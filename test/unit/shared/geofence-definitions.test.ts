import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineM } from '../../../shared/geo/index.js';
import {
  compileSchedule,
  type FenceInput,
  fenceSchema,
  GeofenceEngine,
  isActive,
  prepareGeometry,
  signedDistanceM,
} from '../../../shared/geofence/index.js';
import { ValidationError } from '../../../shared/validation.js';

const square = (x: number, y: number, size: number): [number, number][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const area: FenceInput = {
  id: 'market',
  name: '农贸市场周边',
  kind: 'area',
  groups: ['sanitation'],
  geometry: { type: 'Polygon', coordinates: [square(119.48, 31.42, 0.01)] },
};
const route: FenceInput = {
  id: 'route-0142',
  name: '渣土车核准路线 0142',
  kind: 'route',
  groups: ['muck-permit-0142'],
  geometry: {
    type: 'LineString',
    coordinates: [
      [119.48, 31.42],
      [119.5, 31.42],
    ],
  },
  halfWidthM: 30,
  rules: { offRoute: true },
};

/** The ValidationError thrown for these fences and options. */
function rejection(fences: unknown[], options: unknown = {}): ValidationError {
  try {
    new GeofenceEngine(fences as FenceInput[], options as object);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected the engine to reject its input');
}
const fieldAndRule = (fences: unknown[], options?: unknown) => {
  const { field, rule } = rejection(fences, options);
  return { field, rule };
};

describe('fence definitions are validated, naming the field and the rule', () => {
  it.each([
    [
      'a ring of three positions',
      {
        ...area,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [119, 31],
              [119.1, 31],
              [119, 31],
            ],
          ],
        },
      },
      'fences[0].geometry.coordinates[0]',
      'ring must have at least 4 positions',
    ],
    [
      'a ring whose last position is not its first',
      {
        ...area,
        geometry: { type: 'Polygon', coordinates: [[...square(119.48, 31.42, 0.01).slice(0, 4), [119, 31]]] },
      },
      'fences[0].geometry.coordinates[0]',
      'ring must be closed (last position equals the first)',
    ],
    [
      'a latitude out of range',
      { ...area, geometry: { type: 'Polygon', coordinates: [square(119.48, 89.995, 0.01)] } },
      'fences[0].geometry.coordinates[0][2][1]',
      'must be a finite latitude within [-90, 90]',
    ],
    [
      'a line for an area',
      { ...area, geometry: route.geometry },
      'fences[0].geometry.type',
      "type must be 'Polygon' or 'MultiPolygon' for an area fence",
    ],
    ['an unknown kind', { ...area, kind: 'circle' }, 'fences[0].kind', "kind must be 'area' or 'route'"],
    ['a route without a half-width', { ...route, halfWidthM: undefined }, 'fences[0].halfWidthM', 'must be a number'],
    ['a zero half-width', { ...route, halfWidthM: 0 }, 'fences[0].halfWidthM', 'must be greater than 0'],
    [
      'a one-point route',
      { ...route, geometry: { type: 'LineString', coordinates: [[119.48, 31.42]] } },
      'fences[0].geometry.coordinates',
      'line must have at least 2 positions',
    ],
    ['no groups', { ...area, groups: [] }, 'fences[0].groups', 'needs at least one vehicle group'],
    ['offRoute on an area', { ...area, rules: { offRoute: true } }, 'fences[0].rules', 'Unrecognized key: "offRoute"'],
    [
      'an intake candidate without offRoute',
      { ...route, rules: { raiseIntakeCandidate: true } },
      'fences[0].rules.raiseIntakeCandidate',
      'raiseIntakeCandidate needs offRoute: true',
    ],
    [
      'a zero speed limit',
      { ...area, rules: { speedLimitKmh: 0 } },
      'fences[0].rules.speedLimitKmh',
      'must be greater than 0',
    ],
    [
      'a start time of 25:00',
      { ...area, schedule: [{ days: ['mon'], start: '25:00', end: '06:00' }] },
      'fences[0].schedule[0].start',
      'must be HH:MM between 00:00 and 23:59',
    ],
    [
      'a day name that is not a weekday code',
      { ...area, schedule: [{ days: ['monday'], start: '20:00', end: '06:00' }] },
      'fences[0].schedule[0].days[0]',
      'must be one of mon, tue, wed, thu, fri, sat, sun',
    ],
    [
      'an empty window',
      { ...area, schedule: [{ days: ['mon'], start: '08:00', end: '08:00' }] },
      'fences[0].schedule[0].end',
      'end must differ from start (use 00:00–24:00 for a whole day)',
    ],
  ])('rejects %s', (_, fence, field, rule) => {
    expect(fieldAndRule([fence])).toEqual({ field, rule });
  });

  it('rejects two fences with the same id, naming the second', () => {
    expect(fieldAndRule([area, route, area])).toEqual({
      field: 'fences[2].id',
      rule: 'must be unique (fences[0] has the same id)',
    });
  });

  it('rejects bad options, naming the option', () => {
    expect(fieldAndRule([], { enterMarginM: -1 })).toEqual({
      field: 'options.enterMarginM',
      rule: 'must be at least 0',
    });
    expect(fieldAndRule([], { confirmFixes: 1.5 })).toEqual({
      field: 'options.confirmFixes',
      rule: 'must be an integer',
    });
    expect(fieldAndRule([], { margin: 10 })).toEqual({ field: 'options', rule: 'Unrecognized key: "margin"' });
    expect(fieldAndRule([], { offline: { byGroup: { collectors: 7200 } }, forgetAfterSeconds: 3600 })).toEqual({
      field: 'options.forgetAfterSeconds',
      rule: 'must exceed every offline threshold (7200 s), or offline alarms would be lost',
    });
  });

  it('accepts MultiPolygons, MultiLineStrings (route alternatives) and fences with every default', () => {
    const multi = { ...area, id: 'm', geometry: { type: 'MultiPolygon', coordinates: [[square(119.5, 31.4, 0.01)]] } };
    const alternatives = {
      ...route,
      id: 'alt',
      geometry: {
        type: 'MultiLineString',
        coordinates: [
          route.geometry.coordinates,
          [
            [119.48, 31.42],
            [119.48, 31.44],
          ],
        ],
      },
    };
    expect(() => new GeofenceEngine([area, route, multi, alternatives] as FenceInput[])).not.toThrow();
  });
});

describe('weekly schedules', () => {
  const at = (iso: string) => Date.parse(`${iso}+08:00`);
  const schedule = compileSchedule([
    { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '20:00', end: '06:00' },
    { days: ['sat'], start: '00:00', end: '24:00' },
  ]);

  it('an empty schedule is always active', () => {
    expect(isActive(compileSchedule([]), 0, 480)).toBe(true);
  });

  it.each([
    ['2026-03-02T19:59:59.999', false], // Monday evening
    ['2026-03-02T20:00:00', true],
    ['2026-03-03T05:59:59.999', true], // past midnight into Tuesday
    ['2026-03-03T06:00:00', false],
    ['2026-03-07T00:00:00', true], // Saturday, whole day (and Friday night before it)
    ['2026-03-07T23:59:59', true],
    ['2026-03-08T00:00:00', false], // Sunday
    ['2026-03-09T05:00:00', false], // Monday morning: Sunday has no night window
  ])('%s local is %s', (iso, active) => {
    expect(isActive(schedule, at(iso), 480)).toBe(active);
  });

  it('works for instants before 1970 too', () => {
    expect(isActive(schedule, Date.parse('1969-12-29T21:00:00+08:00'), 480)).toBe(true); // a Monday night
  });
});

describe('signed distance to the fence edge', () => {
  it('is positive inside, negative outside, in metres, and capped on request', () => {
    const g = prepareGeometry(fenceSchema.parse(area));
    const oneMetreLat = 1 / 111_195;
    expect(signedDistanceM(g, 119.485, 31.42 + 15 * oneMetreLat)).toBeCloseTo(15, 2);
    expect(signedDistanceM(g, 119.485, 31.42 - 15 * oneMetreLat)).toBeCloseTo(-15, 2);
    expect(signedDistanceM(g, 119.485, 31.425, 11)).toBe(11);
  });

  it('for a corridor is the half-width minus the distance to the line', () => {
    const g = prepareGeometry(fenceSchema.parse(route));
    const oneMetreLat = 1 / 111_195;
    expect(signedDistanceM(g, 119.49, 31.42 + 10 * oneMetreLat)).toBeCloseTo(20, 2);
    expect(signedDistanceM(g, 119.49, 31.42 - 50 * oneMetreLat)).toBeCloseTo(-20, 2);
  });

  // The engine's projection against brute force: the least haversine distance to any edge of a large triangle.
  it.each([31.42, 53.3])(
    'agrees with haversine to 0.25 percent up to 20 km from a long diagonal edge at latitude %s',
    (lat0) => {
      const a: [number, number] = [120, lat0];
      const b: [number, number] = [120.3, lat0 + 0.25];
      const c: [number, number] = [120.3, lat0 - 0.2];
      const triangle = fenceSchema.parse({ ...area, geometry: { type: 'Polygon', coordinates: [[a, b, c, a]] } });
      const g = prepareGeometry(triangle);
      fc.assert(
        fc.property(
          fc.double({ min: 0.2, max: 0.8, noNaN: true }),
          fc.double({ min: 0.0001, max: 0.18, noNaN: true }),
          fc.boolean(),
          (t, off, outside) => {
            const shift = outside ? off : -off / 4;
            const p: [number, number] = [a[0] + t * 0.3 - shift, a[1] + t * 0.25 + shift];
            const best = Math.min(nearestOnEdge(p, a, b), nearestOnEdge(p, b, c), nearestOnEdge(p, c, a));
            if (best > 20_000) return;
            const d = signedDistanceM(g, p[0], p[1]);
            expect(Math.sign(d)).toBe(outside ? -1 : 1);
            expect(Math.abs(Math.abs(d) - best)).toBeLessThanOrEqual(best * 0.0025 + 0.01);
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});

/** Least haversine distance from p to the straight lon/lat segment a–b: coarse samples, then a ternary search. */
function nearestOnEdge(p: [number, number], a: [number, number], b: [number, number]): number {
  const at = (s: number) => haversineM(p, [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])]);
  const n = 1000;
  let k = 0;
  for (let i = 1; i <= n; i++) if (at(i / n) < at(k / n)) k = i;
  let lo = Math.max(0, (k - 1) / n);
  let hi = Math.min(1, (k + 1) / n);
  for (let i = 0; i < 100; i++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (at(m1) < at(m2)) hi = m2;
    else lo = m1;
  }
  return at((lo + hi) / 2);
}
