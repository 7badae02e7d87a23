import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseState } from '../../shared/case/state.js';
import { creditCode, csv } from '../fixtures/basedata/fixtures.js';
import { EdgeHarness, TEST_GRID } from '../support/edge-harness.js';

describe('base data over HTTP, and the dispatch suggestion it drives', () => {
  const h = new EdgeHarness();
  beforeAll(async () => {
    await h.start();
  });
  afterAll(() => h.stop());

  const roadsCode = creditCode('12320481MB1234567');
  const send = async (kind: string, text: string, role: 'admin' | 'operator' = 'admin') => {
    const s = await h.as(role);
    return fetch(`${h.base}/api/v1/basedata/${kind}?mode=upsert`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'text/csv' },
      body: text,
    });
  };

  it('imports departments and the responsibility table; only an admin may', async () => {
    const departments = csv(
      'id,name,creditCode,level',
      `dept-roads,溧阳市市政处,${roadsCode},district`,
      'dept-sanitation,溧阳市环卫处,,district',
    );
    expect((await send('departments', departments, 'operator')).status).toBe(403);
    const ok = await send('departments', departments);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ kind: 'departments', imported: 2 });
    const resp = await send(
      'responsibilities',
      csv(
        'categoryKind,categoryCode,areaCode,departmentId',
        'matter,06001,320481,dept-roads',
        `matter,06001,${TEST_GRID.code.slice(0, 9)},dept-sanitation`,
      ),
    );
    expect(resp.status).toBe(200);
  });

  it('a bad file is rejected whole with every problem (row, column, reason), and nothing changes', async () => {
    const before = h.node.db.$client.prepare('SELECT count(*) n FROM departments').get();
    const res = await send(
      'departments',
      csv(
        'id,name,creditCode,level',
        'dept-a,甲,,district',
        `dept-b,乙,${roadsCode.slice(0, 17)}X,district`,
        'dept-c,丙,,galaxy',
      ),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; problems: { row: number; column: string; reason: string }[] };
    };
    expect(body.error.code).toBe('invalid');
    expect(body.error.problems.map((p) => [p.row, p.column])).toEqual([
      [3, 'creditCode'],
      [4, 'level'],
    ]);
    expect(h.node.db.$client.prepare('SELECT count(*) n FROM departments').get()).toEqual(before);
  });

  it('the filing condition chosen at filing sets the handling limit (立案、处置和结案标准)', async () => {
    const standards = csv(
      'categoryKind,categoryCode,conditionNo,filingCondition,limitAmount,limitUnit,closingCondition,urgency',
      'matter,06002,1,积存垃圾渣土超过1立方米,2,紧急工作时,清理干净,A',
      'matter,06002,2,积存垃圾渣土小于1立方米,1,工作日,清理干净,C',
    );
    expect((await send('standards', standards)).status).toBe(200);
    const collector = await h.as('collector');
    const dispatcher = await h.as('dispatcher');
    const operator = await h.as('operator');
    const limits: unknown[] = [];
    for (const condition of [2, 1]) {
      const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
        category: { kind: 'matter', code: '06002' },
        location: { lon: 119.48, lat: 31.42 },
        description: `条件 ${condition}`,
      });
      const id = r.body.case.caseId;
      const filed = await operator.json<{ case: CaseState }>('POST', `/api/v1/cases/${id}/file`, {
        filingCondition: condition,
      });
      expect(filed.body.case.conditionNo).toBe(condition);
      const dispatched = await dispatcher.json<{ case: CaseState }>('POST', `/api/v1/cases/${id}/dispatch`, {
        departmentId: 'dept-sanitation',
      });
      limits.push(dispatched.body.case.clocks.handle?.limit);
    }
    expect(limits).toEqual([
      { amount: 1, unit: 'working_days' },
      { amount: 2, unit: 'urgent_hours' },
    ]);
  });

  it('suggests the most specific responsible department for the case’s category and grid', async () => {
    const collector = await h.as('collector');
    const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: '垃圾',
    });
    const dispatcher = await h.as('dispatcher');
    const suggestion = await dispatcher.json('GET', `/api/v1/cases/${r.body.case.caseId}/dispatch-suggestion`);
    expect(suggestion.body).toEqual({
      suggestion: { departmentId: 'dept-sanitation', name: '溧阳市环卫处', basis: 'responsibility' },
    });
    expect((await collector.request('GET', `/api/v1/cases/${r.body.case.caseId}/dispatch-suggestion`)).status).toBe(
      403,
    );
  });
});
