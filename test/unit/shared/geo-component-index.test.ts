import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineRaw } from '../../../shared/geo/distance.js';
import { ComponentIndex, type ComponentPoint } from '../../../shared/geo/index.js';
import { ValidationError } from '../../../shared/validation.js';

interface Component extends ComponentPoint {
  readonly id: number;
}

/** Ground truth: scan everything, keep the category within the radius, order by (distance, input position). */
function bruteForce(
  components: readonly Component[],
  lon: number,
  lat: number,
  category: string,
  r: number,
  k: number,
) {
  return components
    .map((component, input) => ({ component, input, distanceM: haversineRaw(lon, lat, component.lon, component.lat) }))
    .filter((h) => h.component.category === category && h.distanceM <= r)
    .sort((a, b) => a.distanceM - b.distanceM || a.input - b.input)
    .slice(0, k)
    .map(({ component, distanceM }) => ({ component, distanceM }));
}

const categories = ['01001', '01002', '03004'];

// fc.double picks bit patterns, which piles values up near 0; geometry needs values spread evenly over the range.
const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 2 ** 30 }).map((n) => Math.min(max, min + ((max - min) * n) / 2 ** 30));

/** Components and queries inside a box, with some components stacked on one spot to force distance ties. */
function scenario(west: number, south: number, spanLon: number, spanLat: number, maxRadiusM: number) {
  // Longitudes past 180 wrap to the west side, so a box can straddle the antimeridian.
  const lon = uniform(west, west + spanLon).map((x) => (x > 180 ? x - 360 : x));
  const lat = uniform(south, south + spanLat);
  const component = fc.record({ category: fc.constantFrom(...categories), lon, lat });
  return fc.record({
    components: fc
      .tuple(
        fc.array(component, { maxLength: 120, size: 'max' }),
        fc.array(fc.constantFrom(...categories), { maxLength: 4 }),
        lon,
        lat,
      )
      .map(([list, stacked, sLon, sLat]) =>
        [...list, ...stacked.map((category) => ({ category, lon: sLon, lat: sLat }))].map((c, id) => ({ ...c, id })),
      ),
    lon,
    lat,
    category: fc.constantFrom(...categories, '09999'),
    radiusM: uniform(0, maxRadiusM),
    k: fc.integer({ min: 1, max: 6 }),
  });
}

function agreesWithBruteForce(s: {
  components: Component[];
  lon: number;
  lat: number;
  category: string;
  radiusM: number;
  k: number;
}): void {
  const index = ComponentIndex.build(s.components);
  const got = index.nearest(s.lon, s.lat, s.category, s.radiusM, s.k);
  expect(got).toEqual(bruteForce(s.components, s.lon, s.lat, s.category, s.radiusM, s.k));
  for (const hit of got) expect(hit.distanceM).toBeLessThanOrEqual(s.radiusM);
}

describe('ComponentIndex.nearest', () => {
  it('matches a brute-force haversine scan in a 2 km district (radii up to 400 m)', () => {
    fc.assert(fc.property(scenario(119.47, 31.41, 0.02, 0.02, 400), agreesWithBruteForce), { numRuns: 600 });
  });

  it('matches brute force anywhere on Earth, across the antimeridian and near the poles (radii up to 3,000 km)', () => {
    const world = fc.constantFrom([-180, -90, 360, 180], [160, -20, 20, 40], [-180, 60, 360, 30], [100, 20, 30, 30]);
    fc.assert(
      fc.property(
        world.chain(([w = 0, s = 0, dLon = 0, dLat = 0]) => scenario(w, s, dLon, dLat, 3_000_000)),
        agreesWithBruteForce,
      ),
      { numRuns: 500 },
    );
  });

  it('finds the nearest manhole cover of the asked category only, with its distance in metres', () => {
    const components: Component[] = [
      { id: 1, category: '01001', lon: 119.48, lat: 31.4201 },
      { id: 2, category: '01002', lon: 119.48, lat: 31.42001 },
      { id: 3, category: '01001', lon: 119.48, lat: 31.4203 },
    ];
    const index = ComponentIndex.build(components);
    const [hit] = index.nearest(119.48, 31.42, '01001', 50);
    expect(hit?.component.id).toBe(1);
    expect(hit?.distanceM).toBeCloseTo(11.12, 1);
    expect(index.nearest(119.48, 31.42, '01001', 50, 5).map((h) => h.component.id)).toEqual([1, 3]);
    expect(index.nearest(119.48, 31.42, '01001', 10)).toEqual([]);
    expect(index.nearest(119.48, 31.42, '05099', 1000)).toEqual([]);
    expect(index.categories()).toEqual(['01001', '01002']);
    expect(index.size).toBe(3);
  });

  it('a component exactly at the radius is included, one a hair beyond it is not', () => {
    const component = { id: 1, category: '01001', lon: 119.4803, lat: 31.4202 };
    const index = ComponentIndex.build([component]);
    const d = haversineRaw(119.48, 31.42, component.lon, component.lat);
    expect(index.nearest(119.48, 31.42, '01001', d)).toEqual([{ component, distanceM: d }]);
    expect(index.nearest(119.48, 31.42, '01001', d * (1 - 2 ** -52))).toEqual([]);
  });

  it('finds components on the other side of the antimeridian', () => {
    const east = { id: 1, category: '01001', lon: 179.9, lat: 0 };
    const west = { id: 2, category: '01002', lon: -179.9, lat: 0 };
    const index = ComponentIndex.build([east, west]);
    expect(index.nearest(-179.95, 0, '01001', 20_000).map((h) => h.component)).toEqual([east]);
    expect(index.nearest(179.95, 0, '01002', 20_000).map((h) => h.component)).toEqual([west]);
  });

  it('an empty index answers with no components', () => {
    expect(ComponentIndex.build([]).nearest(119.48, 31.42, '01001', 50)).toEqual([]);
  });
});

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('ComponentIndex input validation', () => {
  const ok = { category: '01001', lon: 119.48, lat: 31.42 };

  it('rejects components with a bad position or category, naming the component and field', () => {
    const lat = rejection(() => ComponentIndex.build([ok, ok, { ...ok, lat: 95 }]));
    expect(lat.field).toBe('components[2].lat');
    expect(lat.rule).toBe('must be a finite latitude within [-90, 90]');
    expect(rejection(() => ComponentIndex.build([{ ...ok, lon: Number.NaN }])).field).toBe('components[0].lon');
    const category = rejection(() => ComponentIndex.build([ok, { ...ok, category: '' }]));
    expect(category.field).toBe('components[1].category');
    expect(category.rule).toBe('must be a non-empty string');
  });

  it('rejects a bad query point, radius or k', () => {
    const index = ComponentIndex.build([ok]);
    expect(rejection(() => index.nearest(200, 31.42, '01001', 50)).field).toBe('lon');
    const radius = rejection(() => index.nearest(119.48, 31.42, '01001', -1));
    expect(radius.field).toBe('radiusM');
    expect(radius.rule).toBe('must be a finite number >= 0');
    expect(rejection(() => index.nearest(119.48, 31.42, '01001', Number.POSITIVE_INFINITY)).field).toBe('radiusM');
    const k = rejection(() => index.nearest(119.48, 31.42, '01001', 50, 0));
    expect(k.field).toBe('k');
    expect(k.rule).toBe('must be an integer >= 1');
  });
});
