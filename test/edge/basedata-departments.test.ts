import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importDepartments } from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { counts, csv, expectOneProblem, knownCreditCodes, tempDb } from '../fixtures/basedata/fixtures.js';

const [FUJIAN_EXAMPLE = '', BEIJING, SHENZHEN_A, SHENZHEN_B] = knownCreditCodes;

const goodDepartments = csv(
  'id,name,creditCode,level',
  `d-water,溧阳市水务局,${FUJIAN_EXAMPLE},district`,
  `d-power,供电公司,${BEIJING},enterprise`,
  'd-licheng,溧城街道办事处,,street',
  `d-gas,燃气公司,${SHENZHEN_A?.toLowerCase()},enterprise`,
);

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
});
afterEach(() => close());

const all = () =>
  db.$client.prepare('SELECT id, name, credit_code, level, created_at FROM departments ORDER BY id').all() as Record<
    string,
    unknown
  >[];

function expectRejectedAfterGoodImport(bad: string, row: number, column: string, reason: RegExp) {
  importDepartments(db, goodDepartments, { mode: 'replace' });
  const before = counts(db);
  const stored = all();
  for (const mode of ['replace', 'upsert'] as const) {
    expectOneProblem(() => importDepartments(db, bad, { mode }), row, column, reason);
  }
  expect(counts(db)).toEqual(before);
  expect(all()).toEqual(stored);
}

describe('importing departments', () => {
  it('stores each department with its checked credit code (upper-cased) or none', () => {
    expect(importDepartments(db, goodDepartments, { mode: 'replace' }).imported).toBe(4);
    expect(all().map((d) => [d.id, d.credit_code, d.level])).toEqual([
      ['d-gas', SHENZHEN_A, 'enterprise'],
      ['d-licheng', null, 'street'],
      ['d-power', BEIJING, 'enterprise'],
      ['d-water', FUJIAN_EXAMPLE, 'district'],
    ]);
  });

  it('an upsert renames a department but keeps when it was created', () => {
    importDepartments(db, goodDepartments, { mode: 'replace' });
    const created = all().find((d) => d.id === 'd-water')?.created_at;
    importDepartments(db, csv('id,name,creditCode,level', `d-water,溧阳市水利局,${SHENZHEN_B},district`), {
      mode: 'upsert',
    });
    expect(all().find((d) => d.id === 'd-water')).toMatchObject({ name: '溧阳市水利局', created_at: created });
    expect(counts(db).departments).toBe(4);
  });
});

describe('a departments file with one bad row is rejected whole, and nothing changes', () => {
  it('a credit code with a wrong check character', () => {
    const wrong = `${FUJIAN_EXAMPLE.slice(0, 17)}4`;
    const bad = csv('id,name,creditCode,level', 'd-new,新部门,,city', `d-bad,坏部门,${wrong},city`);
    expectRejectedAfterGoodImport(bad, 3, 'creditCode', /check character must be "3" \(GB 32100-2015\), got "4"/);
  });

  it('a credit code with a letter outside the code set', () => {
    const bad = csv('id,name,creditCode,level', 'd-bad,坏部门,91350100M0001I0Y43,city');
    expectRejectedAfterGoodImport(bad, 2, 'creditCode', /"I" at position 14 is not allowed/);
  });

  it('an unknown level', () => {
    const bad = csv('id,name,creditCode,level', 'd-bad,坏部门,,province');
    expectRejectedAfterGoodImport(bad, 2, 'level', /must be one of city, district, street, community, enterprise/);
  });

  it('the same id twice', () => {
    const bad = csv('id,name,level', 'd-a,甲,city', 'd-a,乙,city');
    expectRejectedAfterGoodImport(bad, 3, 'id', /duplicate key d-a: already on row 2/);
  });

  it('a missing column', () => {
    expectRejectedAfterGoodImport(csv('id,name,creditCode', 'd-a,甲,'), 1, 'level', /^missing column$/);
  });

  it('a missing name', () => {
    expectRejectedAfterGoodImport(csv('id,name,level', 'd-a,,city'), 2, 'name', /is required/);
  });

  it('an unclosed quote', () => {
    expectRejectedAfterGoodImport(csv('id,name,level', 'd-a,"甲,city'), 2, '(file)', /never closed/);
  });

  it('a header with no rows', () => {
    expectRejectedAfterGoodImport(csv('id,name,level'), 0, '(file)', /no data rows/);
  });
});
