import fc from 'fast-check';
import pointInPolygon from 'point-in-polygon-hao';
import { describe, expect, it } from 'vitest';
import { type GridFeature, GridIndex, type Position } from '../../../shared/geo/index.js';
import { ValidationError } from '../../../shared/validation.js';
import { makeDistrict } from '../../bench/fixtures/synthetic-district.js';

// Cells of 0.001° near Liyang; axis-aligned edges make "exactly on the edge" points representable.
const X0 = 119.48;
const Y0 = 31.42;
const S = 0.001;
const at = (i: number, j: number): Position => [X0 + i * S, Y0 + j * S];
const box = (i0: number, j0: number, i1: number, j1: number): Position[] => [
  at(i0, j0),
  at(i1, j0),
  at(i1, j1),
  at(i0, j1),
  at(i0, j0),
];
const polygon = (code: string, ...rings: Position[][]): GridFeature => ({
  code,
  geometry: { type: 'Polygon', coordinates: rings },
});

const grids = {
  west: polygon('320481001001001', box(0, 0, 1, 1)),
  east: polygon('320481001001002', box(1, 0, 2, 1)),
  southWest: polygon('320481001001003', box(0, -1, 1, 0)),
  southEast: polygon('320481001001004', box(1, -1, 2, 0)),
  // A U shape opening north: the notch between its arms is outside it.
  concave: polygon('320481001001005', [
    at(3, 0),
    at(6, 0),
    at(6, 3),
    at(5, 3),
    at(5, 1),
    at(4, 1),
    at(4, 3),
    at(3, 3),
    at(3, 0),
  ]),
  // A square with a square hole; the enclave grid fills only part of the hole.
  withHole: polygon('320481001001007', box(7, 0, 10, 3), box(8, 1, 9, 2)),
  enclave: polygon('320481001001006', box(8, 1, 8.5, 2)),
  multi: {
    code: '320481001001008',
    geometry: { type: 'MultiPolygon', coordinates: [[box(11, 0, 12, 1)], [box(13, 0, 14, 1)]] },
  } satisfies GridFeature,
};
const all = Object.values(grids);
const index = GridIndex.build(all);
const lookup = (i: number, j: number) => index.lookup(X0 + i * S, Y0 + j * S);

describe('GridIndex lookups', () => {
  it('finds the grid whose interior holds the point', () => {
    expect(lookup(0.5, 0.5)).toBe(grids.west.code);
    expect(lookup(1.5, 0.5)).toBe(grids.east.code);
    expect(lookup(1.5, -0.5)).toBe(grids.southEast.code);
  });

  it('a point in the notch of a concave grid is outside it, its arms are inside', () => {
    expect(lookup(4.5, 2)).toBeUndefined();
    expect(lookup(3.5, 2)).toBe(grids.concave.code);
    expect(lookup(5.5, 2)).toBe(grids.concave.code);
    expect(lookup(4.5, 0.5)).toBe(grids.concave.code);
  });

  it('a point in a hole is not in the grid with the hole, but is in an enclave filling it', () => {
    expect(lookup(8.75, 1.5)).toBeUndefined();
    expect(lookup(8.25, 1.5)).toBe(grids.enclave.code);
    expect(lookup(7.5, 1.5)).toBe(grids.withHole.code);
  });

  it('the edge of a hole counts as inside the grid with the hole', () => {
    expect(lookup(9, 1.5)).toBe(grids.withHole.code);
  });

  it('edges and vertices of a single grid count as inside', () => {
    expect(lookup(0, 0.5)).toBe(grids.west.code);
    expect(lookup(0, 1)).toBe(grids.west.code);
    expect(lookup(6, 3)).toBe(grids.concave.code);
    expect(lookup(5, 2)).toBe(grids.concave.code);
  });

  it('a point on an edge shared by two grids goes to the lower code, whatever the input order', () => {
    const reversed = GridIndex.build([...all].reverse());
    for (const idx of [index, reversed]) {
      expect(idx.lookup(X0 + S, Y0 + 0.5 * S)).toBe(grids.west.code);
      expect(idx.lookup(X0 + 0.5 * S, Y0)).toBe(grids.west.code);
      expect(idx.lookup(X0 + 1.5 * S, Y0)).toBe(grids.east.code);
      // On the shared edge of the enclave and the hole in the grid around it.
      expect(idx.lookup(X0 + 8.5 * S, Y0 + 1.5 * S)).toBe(grids.enclave.code);
    }
  });

  it('a vertex shared by four grids goes to the lowest code', () => {
    expect(lookup(1, 0)).toBe(grids.west.code);
    const withoutWest = GridIndex.build([grids.southEast, grids.east, grids.southWest]);
    expect(withoutWest.lookup(X0 + S, Y0)).toBe(grids.east.code);
  });

  it('overlapping grids (bad data) give the same answer whatever the input order', () => {
    const overlapping = [grids.west, polygon('320481001001000', box(0.5, 0, 1.5, 1)), grids.east];
    const expected = GridIndex.build(overlapping).lookup(X0 + 0.75 * S, Y0 + 0.5 * S);
    expect(expected).toBeDefined();
    for (const order of [
      [2, 1, 0],
      [1, 0, 2],
      [0, 2, 1],
    ]) {
      const shuffled = order.map((i) => overlapping[i]).filter((f) => f !== undefined);
      expect(GridIndex.build(shuffled).lookup(X0 + 0.75 * S, Y0 + 0.5 * S)).toBe(expected);
    }
  });

  it('every part of a MultiPolygon belongs to its grid, the gap between parts to none', () => {
    expect(lookup(11.5, 0.5)).toBe(grids.multi.code);
    expect(lookup(13.5, 0.5)).toBe(grids.multi.code);
    expect(lookup(12.5, 0.5)).toBeUndefined();
  });

  it('points outside every grid, and lookups in an empty index, give undefined', () => {
    expect(lookup(-5, -5)).toBeUndefined();
    expect(index.lookup(0, 0)).toBeUndefined();
    expect(GridIndex.build([]).lookup(X0, Y0)).toBeUndefined();
    expect(index.size).toBe(all.length);
  });

  // Spread evenly over the district box and a margin around it (fc.double would pile values up near 0).
  const unit = fc.integer({ min: 0, max: 2 ** 30 }).map((n) => -0.1 + (1.2 * n) / 2 ** 30);

  it('agrees with a brute-force scan (lowest containing code) on random seeded districts', () => {
    const bruteForce = (features: readonly GridFeature[], lon: number, lat: number) => {
      let best: string | undefined;
      for (const f of features) {
        const parts = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        const inside = parts.some((rings) => pointInPolygon([lon, lat], rings as number[][][]) !== false);
        if (inside && (best === undefined || f.code < best)) best = f.code;
      }
      return best;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.tuple(unit, unit), { minLength: 20, maxLength: 40 }),
        fc.nat(),
        (seed, points, vertexPick) => {
          const district = makeDistrict({
            seed,
            communitiesX: 2,
            communitiesY: 2,
            cellsX: 3,
            cellsY: 3,
            cellM: 100,
            west: X0,
            north: Y0,
            holeShare: 0.3,
          });
          const idx = GridIndex.build(district.features);
          const [w, s, e, n] = district.bbox;
          const queries: [number, number][] = points.map(([u, v]) => [w + (e - w) * u, s + (n - s) * v]);
          // Exact vertices are where ties happen: add every vertex of one pseudo-randomly picked grid.
          const picked = district.features[vertexPick % district.features.length];
          if (picked?.geometry.type === 'Polygon') {
            for (const ring of picked.geometry.coordinates) for (const p of ring) queries.push([p[0] ?? 0, p[1] ?? 0]);
          }
          for (const [lon, lat] of queries) expect(idx.lookup(lon, lat)).toBe(bruteForce(district.features, lon, lat));
        },
      ),
      { numRuns: 200 },
    );
  });
});

function rejection(features: unknown): ValidationError {
  try {
    GridIndex.build(features as GridFeature[]);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected GridIndex.build to reject the input');
}

describe('GridIndex input validation', () => {
  it('rejects a ring that is not closed, naming the feature and ring', () => {
    const open = box(0, 0, 1, 1)
      .slice(0, 4)
      .concat([at(0, 0.5)]);
    const error = rejection([grids.west, polygon('320481001001009', open)]);
    expect(error.field).toBe('features[1].geometry.coordinates[0]');
    expect(error.rule).toBe('ring must be closed (last position equals the first)');
    expect(error.message).toContain('features[1]');
  });

  it('rejects a ring with fewer than 4 positions', () => {
    const error = rejection([polygon('320481001001001', box(0, 0, 1, 1), [at(0.2, 0.2), at(0.3, 0.3), at(0.2, 0.2)])]);
    expect(error.field).toBe('features[0].geometry.coordinates[1]');
    expect(error.rule).toBe('ring must have at least 4 positions');
  });

  it('rejects longitudes and latitudes out of range or not finite', () => {
    const badLon = box(0, 0, 1, 1);
    badLon[2] = [181, Y0];
    expect(rejection([polygon('a', badLon)]).field).toBe('features[0].geometry.coordinates[0][2][0]');
    expect(rejection([polygon('a', badLon)]).rule).toBe('must be a finite longitude within [-180, 180]');
    const nanLat = box(0, 0, 1, 1);
    nanLat[1] = [X0, Number.NaN];
    const error = rejection([grids.west, grids.east, polygon('b', nanLat)]);
    expect(error.field).toBe('features[2].geometry.coordinates[0][1][1]');
    expect(error.rule).toBe('must be a finite latitude within [-90, 90]');
    const infinite = box(0, 0, 1, 1);
    infinite[3] = [Number.POSITIVE_INFINITY, Y0];
    expect(rejection([polygon('c', infinite)]).field).toBe('features[0].geometry.coordinates[0][3][0]');
  });

  it('rejects an unknown geometry type, an empty code and a duplicate code', () => {
    const point = { code: 'x', geometry: { type: 'Point', coordinates: [X0, Y0] } };
    expect(rejection([point]).field).toBe('features[0].geometry.type');
    expect(rejection([{ ...grids.west, code: '' }]).field).toBe('features[0].code');
    const duplicate = rejection([grids.west, grids.east, { ...grids.concave, code: grids.west.code }]);
    expect(duplicate.field).toBe('features[2].code');
    expect(duplicate.rule).toBe('must be unique (features[0] has the same code)');
  });

  it('rejects a lookup point that is not a valid lon/lat', () => {
    expect(() => index.lookup(Number.NaN, Y0)).toThrow(ValidationError);
    expect(() => index.lookup(X0, 91)).toThrow('lat: must be a finite latitude within [-90, 90]');
  });
});
