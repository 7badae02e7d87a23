import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseState } from '../../shared/case/state.js';
import { DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

describe('the overdue sweep', () => {
  const h = new EdgeHarness();
  beforeAll(async () => {
    await h.start({ limits: { handle: { amount: 4, unit: 'working_hours' } } });
  });
  afterAll(() => h.stop());

  async function dispatched(n: string): Promise<string> {
    const collector = await h.as('collector');
    const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
      clientReportId: n,
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: 'x',
    });
    const id = r.body.case.caseId ?? '';
    await (await h.as('operator')).json('POST', `/api/v1/cases/${id}/file`, {});
    await (await h.as('dispatcher')).json('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: DEPARTMENT });
    return id;
  }

  it('raises yellow at 80 % of the handling limit and red when overdue, each once; a postponed case raises nothing', async () => {
    h.clock = Date.parse('2026-03-03T10:00:00+08:00'); // Tuesday: 4 working hours → due 16:00 (lunch skipped)
    const running = await dispatched('sweep-1');
    const paused = await dispatched('sweep-2');
    const dispatcher = await h.as('dispatcher');
    const req = await dispatcher.json<{ case: CaseState }>('POST', `/api/v1/cases/${paused}/special-requests`, {
      op: 'postpone',
      reason: '等待',
    });
    await dispatcher.json('POST', `/api/v1/cases/${paused}/special-decisions`, {
      requestId: req.body.case.specialOps[0]?.requestId,
      approved: true,
    });
    const sweep = () => h.node.sweep.sweep().filter((a) => a.step === 'handle');

    h.clock = Date.parse('2026-03-03T12:30:00+08:00'); // lunch: 2 of 4 working hours used
    expect(sweep()).toEqual([]);
    h.clock = Date.parse('2026-03-03T15:30:00+08:00'); // 3.5 h used: 87.5 % → yellow
    expect(sweep()).toEqual([
      expect.objectContaining({ caseId: running, level: 'yellow', deadline: Date.parse('2026-03-03T16:00:00+08:00') }),
    ]);
    expect(sweep()).toEqual([]);
    h.clock = Date.parse('2026-03-03T16:30:00+08:00'); // past the deadline → red
    expect(sweep()).toEqual([expect.objectContaining({ caseId: running, level: 'red' })]);
    expect(sweep()).toEqual([]);
    h.clock = Date.parse('2026-03-05T16:30:00+08:00'); // days later: still nothing new, the postponed case stays silent
    expect(sweep()).toEqual([]);

    const overdue = await (await h.as('dispatcher', { fresh: true })).json<{
      items: { id: string; clock: { light: string } }[];
    }>('GET', '/api/v1/cases?queue=overdue');
    expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
    expect(overdue.body.items.map((i) => [i.id, i.clock.light])).toEqual([[running, 'red']]);
  });
});
