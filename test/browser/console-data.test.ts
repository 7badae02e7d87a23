import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

type Counts = { counts: Record<string, number> };
type Points = { features: { properties: { id: string; light: string } }[] };

describe("the console's read models", () => {
  const h = new EdgeHarness();
  const ids: string[] = [];

  beforeAll(async () => {
    await h.start();
    const collector = await h.as('collector');
    const operator = await h.as('operator');
    const dispatcher = await h.as('dispatcher');
    for (const [i, department] of [DEPARTMENT, 'dept-other'].entries()) {
      const r = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', {
        clientReportId: `data-${i}`,
        category: { kind: 'matter', code: '06001' },
        location: { lon: 119.48 + i * 0.01, lat: 31.42 },
        description: `read model ${i}`,
      });
      const id = r.body.case.caseId;
      ids.push(id);
      expect((await operator.json('POST', `/api/v1/cases/${id}/file`, {})).status).toBe(200);
      expect((await dispatcher.json('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: department })).status).toBe(
        200,
      );
    }
  });
  afterAll(() => h.stop());

  it('a department handler sees only their own department in counts, points, grid colours and charts', async () => {
    const lead = await h.as('shift_lead');
    const handler = await h.as('handler');
    const leadCounts = (await lead.json<Counts>('GET', '/api/v1/console/queue-counts')).body.counts;
    const handlerCounts = (await handler.json<Counts>('GET', '/api/v1/console/queue-counts')).body.counts;
    expect(leadCounts.handle).toBe(2);
    expect(handlerCounts.handle).toBe(1);
    const points = (await handler.json<Points>('GET', '/api/v1/console/case-points')).body;
    expect(points.features.map((f) => f.properties.id)).toEqual([ids[0]]);
    const grid = await handler.json<{ grids: { open: number }[] }>('GET', '/api/v1/console/grid-status');
    expect(grid.body.grids).toEqual([expect.objectContaining({ open: 1 })]);
    const stats = await handler.json<{ departments: { id: string }[] }>('GET', '/api/v1/console/stats');
    expect(stats.body.departments.map((d) => d.id)).toEqual([DEPARTMENT]);
  });

  it('lights in the read models follow the appliance clock, like the queues', async () => {
    const lights = async () =>
      (await (await h.as('shift_lead')).json<Points>('GET', '/api/v1/console/case-points')).body.features.map(
        (f) => f.properties.light,
      );
    expect(await lights()).toEqual(['green', 'green']);
    h.advance(3 * 24 * 60); // past the 2-working-day handling limit (sessions expire: everyone logs in again)
    for (const role of ['shift_lead', 'operator', 'collector'] as const) await h.as(role, { fresh: true });
    expect(await lights()).toEqual(['red', 'red']);
    const lead = await h.as('shift_lead');
    const counts = (await lead.json<Counts>('GET', '/api/v1/console/queue-counts')).body.counts;
    expect(counts.overdue).toBe(2);
  });

  it('collectors to send, people and departments for pickers; a collector may not list collectors', async () => {
    const operator = await h.as('operator');
    const collectors = await operator.json<{ collectors: { id: string }[] }>('GET', '/api/v1/console/collectors');
    expect(collectors.body.collectors.map((c) => c.id)).toEqual([(await h.as('collector')).userId]);
    const dir = await operator.json<{ people: { id: string }[]; departments: { id: string }[] }>(
      'GET',
      '/api/v1/console/directory',
    );
    expect(dir.body.departments.map((d) => d.id)).toContain(DEPARTMENT);
    expect(JSON.stringify(dir.body)).not.toMatch(/password|username/i);
    expect((await (await h.as('collector')).json('GET', '/api/v1/console/collectors')).status).toBe(403);
    const bad = await operator.json<{ error: { field: string } }>('GET', '/api/v1/console/components?category=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('category');
  });
});
