import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importGrids, parseGrids } from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { GridIndex } from '../../shared/geo/index.js';
import { counts, expectOneProblem, gridCollection, rejection, square, tempDb } from '../fixtures/basedata/fixtures.js';

const goodGrids = gridCollection([
  { code: '320481001001001' },
  { code: '320481001001002', communityName: '东门社区' },
  {
    code: '320481001002001',
    communityName: '西门社区',
    geometry: { type: 'MultiPolygon', coordinates: [[square(119.5, 31.4)], [square(119.51, 31.4)]] },
  },
]);

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
});
afterEach(() => close());

/** Imports the good file, then expects `bad` to be rejected with one problem and the tables unchanged. */
function expectRejectedAfterGoodImport(bad: string, row: number, column: string, reason: RegExp) {
  importGrids(db, goodGrids, { mode: 'replace' });
  const before = counts(db);
  const stored = db.$client.prepare('SELECT * FROM grids ORDER BY code').all();
  for (const mode of ['replace', 'upsert'] as const) {
    expectOneProblem(() => importGrids(db, bad, { mode }), row, column, reason);
  }
  expect(counts(db)).toEqual(before);
  expect(db.$client.prepare('SELECT * FROM grids ORDER BY code').all()).toEqual(stored);
}

describe('importing unit grids (GeoJSON)', () => {
  it('stores each grid with street and community codes taken from its code, and its bounding box', () => {
    expect(importGrids(db, goodGrids, { mode: 'replace' })).toEqual({ imported: 3, warnings: [], warningCount: 0 });
    const rows = db.$client.prepare('SELECT * FROM grids ORDER BY code').all() as Record<string, unknown>[];
    expect(rows.map((r) => [r.code, r.street_code, r.community_code, r.street_name, r.community_name])).toEqual([
      ['320481001001001', '320481001', '320481001001', '溧城街道', '东门社区'],
      ['320481001001002', '320481001', '320481001001', '溧城街道', '东门社区'],
      ['320481001002001', '320481001', '320481001002', '溧城街道', '西门社区'],
    ]);
    expect(rows[2]).toMatchObject({
      min_lon: 119.5,
      min_lat: 31.4,
      max_lon: expect.closeTo(119.511, 9),
      max_lat: expect.closeTo(31.401, 9),
    });
  });

  it('stores geometry that the grid index can load and locate points in', () => {
    importGrids(db, goodGrids, { mode: 'replace' });
    const rows = db.$client.prepare('SELECT code, geometry FROM grids').all() as { code: string; geometry: string }[];
    const index = GridIndex.build(rows.map((r) => ({ code: r.code, geometry: JSON.parse(r.geometry) })));
    expect(index.lookup(119.5105, 31.4005)).toBe('320481001002001');
    expect(index.lookup(119.4805, 31.4105)).toBe('320481001001001');
  });

  it('replace leaves exactly the file; upsert updates and keeps the rest', () => {
    importGrids(db, goodGrids, { mode: 'replace' });
    const one = gridCollection([{ code: '320481001001001', streetName: '溧城镇' }]);
    importGrids(db, one, { mode: 'upsert' });
    expect(counts(db).grids).toBe(3);
    expect(db.$client.prepare("SELECT street_name FROM grids WHERE code = '320481001001001'").pluck().get()).toBe(
      '溧城镇',
    );
    importGrids(db, one, { mode: 'replace' });
    expect(counts(db).grids).toBe(1);
  });

  it('keeps a grid without a community name', () => {
    const { rows } = parseGrids(gridCollection([{ code: '320481001001001', communityName: '' }]));
    expect(rows[0]?.communityName).toBeNull();
  });
});

describe('a grid file with one bad feature is rejected whole, and nothing changes', () => {
  it('a code of the wrong length', () => {
    const bad = gridCollection([{ code: '320481001001001' }, { code: '32048100100101' }]);
    expectRejectedAfterGoodImport(bad, 2, 'code', /must be exactly 15 digits.*got 14/);
  });

  it('an unclosed ring', () => {
    const ring = square(119.48, 31.41)
      .slice(0, 4)
      .concat([[119.4801, 31.41]]);
    const bad = gridCollection([{ code: '320481001001001', geometry: { type: 'Polygon', coordinates: [ring] } }]);
    expectRejectedAfterGoodImport(bad, 1, 'geometry.coordinates[0]', /ring must be closed/);
  });

  it('a ring of three positions', () => {
    const ring = [
      [119.48, 31.41],
      [119.49, 31.41],
      [119.48, 31.41],
    ];
    const bad = gridCollection([{ code: '320481001001001', geometry: { type: 'Polygon', coordinates: [ring] } }]);
    expectRejectedAfterGoodImport(bad, 1, 'geometry.coordinates[0]', /at least 4 positions/);
  });

  it('projected Gauss-Krüger coordinates', () => {
    const bad = gridCollection([
      { code: '320481001001001', geometry: { type: 'Polygon', coordinates: [square(40_512_345, 3_476_543, 100)] } },
    ]);
    expectRejectedAfterGoodImport(bad, 1, 'geometry.coordinates[0][0]', /projected Gauss-Krüger.*convert/);
  });

  it('a non-numeric coordinate', () => {
    const ring = square(119.48, 31.41);
    ring[1] = ['119.481' as unknown as number, 31.41];
    const bad = gridCollection([{ code: '320481001001001', geometry: { type: 'Polygon', coordinates: [ring] } }]);
    expectRejectedAfterGoodImport(bad, 1, 'geometry.coordinates[0][1][0]', /longitude/);
  });

  it('coordinates outside China, and swapped lon/lat', () => {
    const paris = gridCollection([
      { code: '320481001001001', geometry: { type: 'Polygon', coordinates: [square(2.35, 48.85)] } },
    ]);
    expectRejectedAfterGoodImport(paris, 1, 'geometry.coordinates', /outside China/);
    const swapped = gridCollection([
      { code: '320481001001001', geometry: { type: 'Polygon', coordinates: [square(31.41, 89.48)] } },
    ]);
    expect(rejection(() => parseGrids(swapped)).problems[0]?.reason).toMatch(/look swapped: longitude comes first/);
  });

  it('a geometry that is not a polygon', () => {
    const bad = gridCollection([
      { code: '320481001001001', geometry: { type: 'Point', coordinates: [119.48, 31.41] } },
    ]);
    expectRejectedAfterGoodImport(bad, 1, 'geometry.type', /Polygon.*MultiPolygon/);
  });

  it('the same code twice', () => {
    const bad = gridCollection([{ code: '320481001001001' }, { code: '320481001001002' }, { code: '320481001001001' }]);
    expectRejectedAfterGoodImport(bad, 3, 'code', /duplicate key 320481001001001: already on row 1/);
  });

  it('a streetCode property that does not prefix the code', () => {
    const bad = gridCollection([{ code: '320481001001001', streetCode: '320481002' }]);
    expectRejectedAfterGoodImport(bad, 1, 'streetCode', /must be 320481001/);
  });

  it('two names for one community', () => {
    const bad = gridCollection([{ code: '320481001001001' }, { code: '320481001001002', communityName: '东关社区' }]);
    expectRejectedAfterGoodImport(bad, 2, 'communityName', /320481001001 is named "东门社区" on row 1/);
  });

  it('a missing street name', () => {
    const bad = gridCollection([{ code: '320481001001001' }, { code: '320481001001002', streetName: '' }]);
    expectRejectedAfterGoodImport(bad, 2, 'streetName', /is required/);
  });

  it('a projected CRS member, invalid JSON or no features', () => {
    const projected = JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4549' } },
      features: [],
    });
    expectRejectedAfterGoodImport(projected, 0, 'crs', /not WGS-84\/CGCS2000/);
    expectRejectedAfterGoodImport('{"type": "FeatureCollection", "features": [', 0, '(file)', /not valid JSON/);
    expectRejectedAfterGoodImport(gridCollection([]), 0, '(file)', /no data rows/);
  });

  it('reports the first 100 problems and counts them all', () => {
    const bad = gridCollection(Array.from({ length: 150 }, () => ({ code: '1' })));
    const error = rejection(() => parseGrids(bad));
    expect(error.problems).toHaveLength(100);
    expect(error.problemCount).toBe(150);
    expect(error.problems[99]?.row).toBe(100);
    expect(error.message).toMatch(
      /^grids file rejected, nothing imported: 150 problem\(s\); first: row 1, column code/,
    );
  });
});
