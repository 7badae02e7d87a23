import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBaseData, importDepartments, importGrids } from '../../edge/basedata/index.js';
import type { EdgeDb } from '../../edge/db/open.js';
import { counts, csv, gridCollection, rejection, tempDb } from '../fixtures/basedata/fixtures.js';

const files = {
  grids: gridCollection([{ code: '320481001001001' }, { code: '320481001001002' }]),
  departments: csv('id,name,level', 'd-water,水务公司,enterprise'),
  components: csv('GLBJBSM,GLBJMC,SZDYWGBSM,X,Y', '32048101001000001,供水井盖,320481001001001,119.4801,31.4102'),
  responsibilities: csv('categoryKind,categoryCode,areaCode,departmentId', 'component,01001,320481,d-water'),
  standards: csv(
    'categoryKind,categoryCode,conditionNo,filingCondition,limitAmount,limitUnit,closingCondition',
    'component,01001,1,井盖缺失,2,紧急工作时,井盖已补齐',
  ),
};

let db: EdgeDb;
let close: () => void;
beforeEach(() => {
  ({ db, close } = tempDb());
});
afterEach(() => close());

describe('a combined base-data import', () => {
  it('writes every file in one transaction and counts progress across them', () => {
    const calls: [number, number][] = [];
    const results = importBaseData(db, files, {
      mode: 'replace',
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(Object.fromEntries(Object.entries(results).map(([kind, r]) => [kind, r?.imported]))).toEqual({
      grids: 2,
      departments: 1,
      components: 1,
      responsibilities: 1,
      standards: 1,
    });
    expect(calls).toEqual([[6, 6]]);
    expect(counts(db)).toEqual({ grids: 2, components: 1, departments: 1, responsibilities: 1, standards: 1 });
  });

  it('writes nothing when the last file is bad, although the earlier ones were fine', () => {
    importGrids(db, gridCollection([{ code: '320481009009009' }]), { mode: 'replace' });
    importDepartments(db, csv('id,name,level', 'd-old,旧部门,city'), { mode: 'replace' });
    const before = counts(db);
    const bad = { ...files, standards: files.standards.replace('紧急工作时', '小时') };
    const error = rejection(() => importBaseData(db, bad, { mode: 'replace' }));
    expect(error.kind).toBe('standards');
    expect(error.problems[0]).toMatchObject({ row: 2, column: 'limitUnit' });
    expect(counts(db)).toEqual(before);
    expect(db.$client.prepare('SELECT code FROM grids').pluck().all()).toEqual(['320481009009009']);
  });
});
