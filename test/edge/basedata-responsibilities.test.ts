import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findResponsibleDepartment,
  importBaseData,
  importDepartments,
  importResponsibilities,
  parseResponsibilities,
  type ResponsibilityRow,
} from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { standardDirectory } from '../../shared/codes/index.js';
import { counts, csv, expectOneProblem, rejection, tempDb } from '../fixtures/basedata/fixtures.js';

const HEADER = 'categoryKind,categoryCode,areaCode,departmentId';
const departments = csv(
  'id,name,level',
  'd-city,市城管局,city',
  'd-district,区城管局,district',
  'd-street,街道,street',
  'd-community,社区,community',
  'd-grid,网格员站,community',
  'd-water,水务公司,enterprise',
);

// Manhole covers (component 01001) in 溧阳 320481: district-wide water company, a street and a community override,
// and one grid with its own department; matter 01001 (the abnormality) goes to the district.
const goodTable = csv(
  HEADER,
  'component,01001,320481,d-water',
  'component,01001,320481001,d-street',
  'component,01001,320481001002,d-community',
  'component,01001,320481001002003,d-grid',
  'matter,01001,320481,d-district',
);

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
  importDepartments(db, departments, { mode: 'replace' });
});
afterEach(() => close());

const all = () => db.$client.prepare('SELECT * FROM responsibilities ORDER BY category_kind, area_code').all();

function expectRejectedAfterGoodImport(bad: string, row: number, column: string, reason: RegExp) {
  importResponsibilities(db, goodTable, { mode: 'replace' });
  const before = counts(db);
  const stored = all();
  for (const mode of ['replace', 'upsert'] as const) {
    expectOneProblem(() => importResponsibilities(db, bad, { mode }), row, column, reason);
  }
  expect(counts(db)).toEqual(before);
  expect(all()).toEqual(stored);
}

describe('the responsibility table', () => {
  it('imports rows whose departments exist', () => {
    expect(importResponsibilities(db, goodTable, { mode: 'replace' }).imported).toBe(5);
    expect(counts(db).responsibilities).toBe(5);
  });

  describe.each([
    [
      'a list of rows',
      () =>
        parseResponsibilities(goodTable, {
          directory: standardDirectory,
          departmentIds: new Set(['d-water', 'd-street', 'd-community', 'd-grid', 'd-district']),
        }).rows as readonly ResponsibilityRow[] | EdgeDb,
    ],
    [
      'the database',
      () => {
        importResponsibilities(db, goodTable, { mode: 'replace' });
        return db as readonly ResponsibilityRow[] | EdgeDb;
      },
    ],
  ])('looking up the responsible department in %s', (_, source) => {
    const manhole = (gridCode: string) =>
      findResponsibleDepartment(source(), { kind: 'component', code: '01001', gridCode });

    it('picks the grid row over its community, street and district', () => {
      expect(manhole('320481001002003')).toBe('d-grid');
    });

    it('falls back to the community, then the street, then the district', () => {
      expect(manhole('320481001002004')).toBe('d-community');
      expect(manhole('320481001003001')).toBe('d-street');
      expect(manhole('320481002001001')).toBe('d-water');
    });

    it('keeps component and matter codes apart and finds nothing outside the table', () => {
      const rows = source();
      expect(findResponsibleDepartment(rows, { kind: 'matter', code: '01001', gridCode: '320481001002003' })).toBe(
        'd-district',
      );
      expect(
        findResponsibleDepartment(rows, { kind: 'component', code: '01002', gridCode: '320481001002003' }),
      ).toBeUndefined();
      expect(
        findResponsibleDepartment(rows, { kind: 'component', code: '01001', gridCode: '320482001001001' }),
      ).toBeUndefined();
    });
  });

  it('accepts departments from the same combined import', () => {
    const results = importBaseData(
      db,
      {
        departments: csv('id,name,level', 'd-new,新部门,street'),
        responsibilities: csv(HEADER, 'component,01002,320481001,d-new', 'component,01003,320481001,d-water'),
      },
      { mode: 'upsert' },
    );
    expect(results.responsibilities?.imported).toBe(2);
    expect(findResponsibleDepartment(db, { kind: 'component', code: '01002', gridCode: '320481001001001' })).toBe(
      'd-new',
    );
  });

  it('after a combined replace, only the departments of the file count', () => {
    const error = rejection(() =>
      importBaseData(
        db,
        {
          departments: csv('id,name,level', 'd-new,新部门,street'),
          responsibilities: csv(HEADER, 'component,01003,320481001,d-water'),
        },
        { mode: 'replace' },
      ),
    );
    expect(error.kind).toBe('responsibilities');
    expect(error.problems).toEqual([
      { row: 2, column: 'departmentId', reason: expect.stringMatching(/unknown department "d-water"/) },
    ]);
    expect(counts(db).departments).toBe(6);
  });
});

describe('a responsibility file with one bad row is rejected whole, and nothing changes', () => {
  it('an unknown department', () => {
    const bad = csv(HEADER, 'component,01002,320481,d-water', 'component,01002,320481001,d-nobody');
    expectRejectedAfterGoodImport(bad, 3, 'departmentId', /unknown department "d-nobody"/);
  });

  it('an area code that is no district, street, community or grid', () => {
    const bad = csv(HEADER, 'component,01002,3204810,d-water');
    expectRejectedAfterGoodImport(
      bad,
      2,
      'areaCode',
      /district \(6 digits\), street \(9\), community \(12\) or grid \(15\).*7 characters/,
    );
  });

  it('an area code with a zero community part', () => {
    const bad = csv(HEADER, 'component,01002,320481001000,d-water');
    expectRejectedAfterGoodImport(bad, 2, 'areaCode', /community 000 is not valid/);
  });

  it('an unknown category or kind', () => {
    expectRejectedAfterGoodImport(
      csv(HEADER, 'component,09001,320481,d-water'),
      2,
      'categoryCode',
      /unknown category component\/09001/,
    );
    expectRejectedAfterGoodImport(csv(HEADER, '部件,01001,320481,d-water'), 2, 'categoryKind', /component or matter/);
  });

  it('the same category and area twice', () => {
    const bad = csv(HEADER, 'component,01002,320481,d-water', 'component,01002,320481,d-district');
    expectRejectedAfterGoodImport(bad, 3, 'areaCode', /duplicate key component\/01002@320481: already on row 2/);
  });

  it('a missing column', () => {
    expectRejectedAfterGoodImport(
      csv('categoryKind,categoryCode,areaCode', 'component,01002,320481'),
      1,
      'departmentId',
      /^missing column$/,
    );
  });
});
