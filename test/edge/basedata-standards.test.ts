import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importStandards, parseStandards } from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { buildCategoryDirectory } from '../../shared/codes/index.js';
import { counts, csv, expectOneProblem, tempDb } from '../fixtures/basedata/fixtures.js';

const HEADER = 'categoryKind,categoryCode,conditionNo,filingCondition,limitAmount,limitUnit,closingCondition,urgency';
const goodStandards = csv(
  HEADER,
  'component,01001,1,井盖缺失,2,紧急工作时,井盖已补齐,A',
  'component,01001,2,井盖破损、松动,1,工作日,井盖已更换或修复,',
  'matter,06001,1,"暴露垃圾, 面积 1 平方米以上",4,working_hours,垃圾已清理,一般',
  'matter,01001,1,供水井盖异常,3,自然日,恢复正常,C',
);

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
});
afterEach(() => close());

const all = () =>
  db.$client.prepare('SELECT * FROM standards ORDER BY category_kind, category_code, condition_no').all();

function expectRejectedAfterGoodImport(bad: string, row: number, column: string, reason: RegExp) {
  importStandards(db, goodStandards, { mode: 'replace' });
  const before = counts(db);
  const stored = all();
  for (const mode of ['replace', 'upsert'] as const) {
    expectOneProblem(() => importStandards(db, bad, { mode }), row, column, reason);
  }
  expect(counts(db)).toEqual(before);
  expect(all()).toEqual(stored);
}

const line = (over: Partial<Record<'kind' | 'code' | 'no' | 'amount' | 'unit' | 'urgency', string>> = {}) =>
  [
    over.kind ?? 'component',
    over.code ?? '01002',
    over.no ?? '1',
    '井盖破损',
    over.amount ?? '2',
    over.unit ?? '工作日',
    '已修复',
    over.urgency ?? '',
  ].join(',');

describe('importing the 立案、处置和结案标准 table', () => {
  it('stores each condition, mapping Chinese units and urgencies to the clock forms', () => {
    expect(importStandards(db, goodStandards, { mode: 'replace' }).imported).toBe(4);
    expect(all()).toEqual([
      expect.objectContaining({
        category_code: '01001',
        condition_no: 1,
        limit_amount: 2,
        limit_unit: 'urgent_hours',
        urgency: 'A',
      }),
      expect.objectContaining({ category_code: '01001', condition_no: 2, limit_unit: 'working_days', urgency: null }),
      expect.objectContaining({
        category_kind: 'matter',
        category_code: '01001',
        limit_unit: 'calendar_days',
        urgency: 'C',
      }),
      expect.objectContaining({
        category_kind: 'matter',
        filing_condition: '暴露垃圾, 面积 1 平方米以上',
        limit_unit: 'working_hours',
        urgency: 'C',
      }),
    ]);
  });

  it('accepts a city extension category when given the city directory', () => {
    const directory = buildCategoryDirectory([
      { kind: 'matter', code: '11001', majorCode: '11', majorName: '城市特色类', name: '共享单车乱停放' },
    ]);
    const text = csv(HEADER, line({ kind: 'matter', code: '11001' }));
    expect(parseStandards(text, { directory }).rows).toHaveLength(1);
    expectOneProblem(
      () => importStandards(db, text, { mode: 'upsert' }),
      2,
      'categoryCode',
      /unknown category matter\/11001/,
    );
  });
});

describe('a standards file with one bad row is rejected whole, and nothing changes', () => {
  it('an unknown limit unit', () => {
    const bad = csv(HEADER, line(), line({ no: '2', unit: '小时' }));
    expectRejectedAfterGoodImport(
      bad,
      3,
      'limitUnit',
      /must be one of urgent_hours, .* or 紧急工作时\/工作时\/工作日\/自然日, got "小时"/,
    );
  });

  it('an unknown category (component 06001 exists only as a matter)', () => {
    const bad = csv(HEADER, line({ code: '06001' }));
    expectRejectedAfterGoodImport(bad, 2, 'categoryCode', /unknown category component\/06001/);
  });

  it('a category code of the wrong length', () => {
    const bad = csv(HEADER, line({ code: '0100' }));
    expectRejectedAfterGoodImport(bad, 2, 'categoryCode', /exactly 5 digits/);
  });

  it('a limit of zero, or not a number', () => {
    expectRejectedAfterGoodImport(csv(HEADER, line({ amount: '0' })), 2, 'limitAmount', /greater than 0/);
    expectRejectedAfterGoodImport(csv(HEADER, line({ amount: '两' })), 2, 'limitAmount', /must be a number/);
  });

  it('an urgency other than A/B/C', () => {
    expectRejectedAfterGoodImport(csv(HEADER, line({ urgency: 'D' })), 2, 'urgency', /must be A, B or C/);
  });

  it('the same condition twice for a category', () => {
    const bad = csv(HEADER, line(), line({ no: '2' }), line());
    expectRejectedAfterGoodImport(
      bad,
      4,
      'conditionNo',
      /duplicate key component\/01002 condition 1: already on row 2/,
    );
  });

  it('a missing column', () => {
    const bad = csv(HEADER.replace(',closingCondition', ''), 'component,01002,1,井盖破损,2,工作日,');
    expectRejectedAfterGoodImport(bad, 1, 'closingCondition', /^missing column$/);
  });
});
