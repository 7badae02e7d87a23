import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importComponents, parseComponents } from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { standardDirectory } from '../../shared/codes/index.js';
import { counts, creditCode, csv, expectOneProblem, rejection, tempDb } from '../fixtures/basedata/fixtures.js';

const WATER_BUREAU = creditCode('11320481MB1234567');
const GBT_HEADER = 'GLBJBSM,GLBJMC,ZGBMDM,ZGBMMC,QSDWDM,QSDWMC,YHDWDM,YHDWMC,SZDYWGBSM,GLBJZT,CSRQ,BGRQ,SJLY,BZ,X,Y';

interface GbtRow {
  id: string;
  status?: string;
  deptCode?: string;
  x?: string;
  y?: string;
  note?: string;
}

/** One GB/T 47678.5 CSV line: a 供水井盖 in 溧阳 unless overridden. */
function gbtLine({ id, status = '完好', deptCode = WATER_BUREAU, x = '119.4801', y = '31.4102', note = '' }: GbtRow) {
  return [
    id,
    '供水井盖',
    deptCode,
    '溧阳市水务局',
    deptCode,
    '溧阳市水务局',
    deptCode,
    '溧阳市水务局',
    '320481001001001',
    status,
    '2019-05-01',
    '2024/6/1',
    '普查',
    note,
    x,
    y,
  ].join(',');
}

const gbtId = (seq: number, category = '01001') => `320481${category}${String(seq).padStart(6, '0')}`;

const goodGbt = csv(
  GBT_HEADER,
  gbtLine({ id: gbtId(1) }),
  gbtLine({ id: gbtId(2), status: '破损', note: '"井盖松动, 有异响\r\n已报修"' }),
  gbtLine({ id: gbtId(3, '03003'), deptCode: '' }),
);

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
});
afterEach(() => close());

const all = () => db.$client.prepare('SELECT * FROM components ORDER BY id').all() as Record<string, unknown>[];

/** Imports the good file, then expects `bad` to be rejected with one problem and the table unchanged. */
function expectRejectedAfterGoodImport(bad: string, row: number, column: string, reason: RegExp) {
  importComponents(db, goodGbt, { mode: 'replace' });
  const before = counts(db);
  const stored = all();
  for (const mode of ['replace', 'upsert'] as const) {
    expectOneProblem(() => importComponents(db, bad, { mode }), row, column, reason);
  }
  expect(counts(db)).toEqual(before);
  expect(all()).toEqual(stored);
}

describe('importing components with GB/T 47678.5 field names', () => {
  it('stores every attribute, the category from the id, and dates as YYYY-MM-DD', () => {
    expect(importComponents(db, goodGbt, { mode: 'replace' }).imported).toBe(3);
    const rows = all();
    expect(rows[0]).toEqual({
      id: '32048101001000001',
      category_code: '01001',
      name: '供水井盖',
      dept_code: WATER_BUREAU,
      dept_name: '溧阳市水务局',
      owner_code: WATER_BUREAU,
      owner_name: '溧阳市水务局',
      maintainer_code: WATER_BUREAU,
      maintainer_name: '溧阳市水务局',
      grid_code: '320481001001001',
      status: '完好',
      lon: 119.4801,
      lat: 31.4102,
      initial_date: '2019-05-01',
      change_date: '2024-06-01',
      data_source: '普查',
      note: null,
    });
    expect(rows[1]).toMatchObject({ status: '破损', note: '井盖松动, 有异响\r\n已报修' });
    expect(rows[2]).toMatchObject({ category_code: '03003', dept_code: null });
  });

  it('reads GeoJSON points with the same field names', () => {
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { GLBJBSM: gbtId(7), GLBJMC: '供水井盖', GLBJZT: '丢失', SZDYWGBSM: '320481001001002' },
          geometry: { type: 'Point', coordinates: [119.4811, 31.4122] },
        },
      ],
    });
    importComponents(db, geojson, { mode: 'upsert' });
    expect(all()).toEqual([
      expect.objectContaining({
        id: gbtId(7),
        status: '丢失',
        lon: 119.4811,
        lat: 31.4122,
        grid_code: '320481001001002',
      }),
    ]);
  });

  it('upsert overwrites by id and keeps the others; replace leaves exactly the file', () => {
    importComponents(db, goodGbt, { mode: 'replace' });
    importComponents(db, csv(GBT_HEADER, gbtLine({ id: gbtId(1), status: '废弃' })), { mode: 'upsert' });
    expect(all().map((r) => r.status)).toEqual(['废弃', '破损', '完好']);
    importComponents(db, csv(GBT_HEADER, gbtLine({ id: gbtId(9) })), { mode: 'replace' });
    expect(all().map((r) => r.id)).toEqual([gbtId(9)]);
  });
});

describe('importing legacy CJ/T 214 components', () => {
  const legacy = csv(
    'OBJID,OBJNAME,DEPTCODE1,BGID,OBJSTATE,ORDATE,CHDATE,DATASOURCE,NOTE,X,Y',
    '3205080101000001,上水井盖,JS-001,320508001001001,完好,2008-03-01,,普查,,120.6201,31.3102',
    '3205080116000002,旧部件,JS-001,320508001001001,破损,20080301,,普查,,120.6202,31.3103',
    '32050801001000003,供水井盖,JS-001,,,,,,,120.6203,31.3104',
  );

  it('detects the header set (also upper-cased, as DBF exports write it) and keeps 16-digit ids as they are', () => {
    const result = importComponents(db, legacy, { mode: 'replace' });
    expect(result.imported).toBe(3);
    const byId = new Map(all().map((r) => [r.id, [r.category_code, r.dept_code, r.initial_date]]));
    expect(Object.fromEntries(byId)).toEqual({
      '3205080101000001': ['01001', 'JS-001', '2008-03-01'],
      '3205080116000002': ['01016', 'JS-001', '2008-03-01'],
      '32050801001000003': ['01001', 'JS-001', null],
    });
  });

  it('warns, without failing, about a legacy id whose positional category is not in the directory', () => {
    const { warnings, warningCount } = parseComponents(legacy, { directory: standardDirectory });
    expect(warningCount).toBe(1);
    expect(warnings[0]).toEqual({
      row: 3,
      column: 'OBJID',
      reason: expect.stringMatching(/positional category 01016/),
    });
  });

  it('still checks a 17-digit id under legacy names against the directory', () => {
    const bad = csv('ObjID,X,Y', '32050801016000003,120.6203,31.3104');
    expectOneProblem(
      () => parseComponents(bad, { directory: standardDirectory }),
      2,
      'ObjID',
      /unknown category component\/01016/,
    );
  });
});

describe('a component file with one bad row is rejected whole, and nothing changes', () => {
  it('an id of the wrong length', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4) }), gbtLine({ id: '3205080101000001' }));
    expectRejectedAfterGoodImport(bad, 3, 'GLBJBSM', /must be exactly 17 digits.*got 16/);
  });

  it('an unknown category', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4, '01016') }));
    expectRejectedAfterGoodImport(bad, 2, 'GLBJBSM', /unknown category component\/01016/);
  });

  it('a non-numeric coordinate', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4) }), gbtLine({ id: gbtId(5), y: '31.41O2' }));
    expectRejectedAfterGoodImport(bad, 3, 'Y', /must be a number, got "31.41O2"/);
  });

  it('projected Gauss-Krüger coordinates', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4), x: '512345.67', y: '3476543.21' }));
    expectRejectedAfterGoodImport(
      bad,
      2,
      'X',
      /projected Gauss-Krüger coordinates .*convert|convert projected Gauss-Krüger/,
    );
  });

  it('a status outside 完好/破损/丢失/废弃/移除', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4), status: '占用' }));
    expectRejectedAfterGoodImport(bad, 2, 'GLBJZT', /must be one of 完好\/破损\/丢失\/废弃\/移除, got "占用"/);
  });

  it('a department code with a bad check character', () => {
    const wrong = `${WATER_BUREAU.slice(0, 17)}${WATER_BUREAU.endsWith('0') ? '1' : '0'}`;
    const bad = csv('GLBJBSM,ZGBMDM,X,Y', `${gbtId(4)},${wrong},119.48,31.41`);
    expectRejectedAfterGoodImport(bad, 2, 'ZGBMDM', /check character must be/);
  });

  it('the same id twice', () => {
    const bad = csv(GBT_HEADER, gbtLine({ id: gbtId(4) }), gbtLine({ id: gbtId(5) }), gbtLine({ id: gbtId(4) }));
    expectRejectedAfterGoodImport(bad, 4, 'GLBJBSM', /duplicate key 32048101001000004: already on row 2/);
  });

  it('a missing coordinate column', () => {
    const bad = csv('GLBJBSM,GLBJMC,X', `${gbtId(4)},供水井盖,119.48`);
    expectRejectedAfterGoodImport(bad, 1, 'Y', /missing column/);
  });

  it('no id column of either header set, or both', () => {
    expectRejectedAfterGoodImport(csv('ID,X,Y', `${gbtId(4)},119.48,31.41`), 1, 'GLBJBSM', /missing column.*ObjID/);
    expectRejectedAfterGoodImport(csv('GLBJBSM,ObjID,X,Y', `${gbtId(4)},,119.48,31.41`), 1, 'ObjID', /both/);
  });

  it('a row with a cell too many', () => {
    const bad = csv('GLBJBSM,X,Y', `${gbtId(4)},119.48,31.41,extra`);
    expectRejectedAfterGoodImport(bad, 2, '(file)', /has 4 cells, the header has 3/);
  });

  it('a 17-digit id written as a JSON number (already rounded by the parser)', () => {
    const geojson = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"GLBJBSM":${gbtId(4)}},"geometry":{"type":"Point","coordinates":[119.48,31.41]}}]}`;
    expectRejectedAfterGoodImport(geojson, 1, 'GLBJBSM', /too large to be exact.*string/);
  });

  it('a file saved as GBK (decoded with replacement characters)', () => {
    expectRejectedAfterGoodImport(`GLBJBSM,GLBJMC,X,Y\r\n${gbtId(4)},\uFFFD\uFFFD,119.48,31.41`, 0, '(file)', /GBK/);
  });

  it('counts every bad row but reports the first 100', () => {
    const lines = Array.from({ length: 250 }, (_, i) => gbtLine({ id: gbtId(i + 1), status: 'x' }));
    const error = rejection(() => parseComponents(csv(GBT_HEADER, ...lines), { directory: standardDirectory }));
    expect(error.problems).toHaveLength(100);
    expect(error.problemCount).toBe(250);
    expect(error.kind).toBe('components');
  });
});

describe('large component files', () => {
  it('reports progress every 5,000 rows and once at the end (20,000 rows)', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => gbtLine({ id: gbtId(i + 1) }));
    const calls: [number, number][] = [];
    const result = importComponents(db, csv(GBT_HEADER, lines.join('\r\n')), {
      mode: 'replace',
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(result.imported).toBe(20_000);
    expect(calls).toEqual([
      [5000, 20_000],
      [10_000, 20_000],
      [15_000, 20_000],
      [20_000, 20_000],
    ]);
    expect(counts(db).components).toBe(20_000);
  });

  it('imports 150,000 rows in one go', () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => gbtLine({ id: gbtId(i + 1) }));
    const started = performance.now();
    expect(importComponents(db, csv(GBT_HEADER, lines.join('\r\n')), { mode: 'replace' }).imported).toBe(150_000);
    // Generous bound for a loaded CI machine; a quiet laptop takes a few seconds.
    expect(performance.now() - started).toBeLessThan(25_000);
    expect(counts(db).components).toBe(150_000);
  });
});
