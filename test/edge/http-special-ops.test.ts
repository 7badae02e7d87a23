import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/case/roles.js';
import type { CaseState } from '../../shared/case/state.js';
import { DEPARTMENT, EdgeHarness, type Session } from '../support/edge-harness.js';

type CaseBody = { case: CaseState };
let reportNo = 0;

describe('special operations over HTTP: approval, ledger, and 403 for the wrong position', () => {
  const h = new EdgeHarness();
  let s: Record<Exclude<Role, 'system' | 'admin'>, Session>;

  beforeAll(async () => {
    await h.start();
    s = {
      collector: await h.as('collector'),
      operator: await h.as('operator'),
      shift_lead: await h.as('shift_lead'),
      dispatcher: await h.as('dispatcher'),
      handler: await h.as('handler'),
      leader: await h.as('leader'),
    };
  });
  afterAll(() => h.stop());

  /** A case dispatched to the test department and signed by its handler. */
  async function handlingCase(): Promise<string> {
    reportNo += 1;
    const r = await s.collector.json<CaseBody>('POST', '/api/v1/reports', {
      clientReportId: `sp-${reportNo}`,
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: '测试',
    });
    const id = r.body.case.caseId ?? '';
    for (const [who, action, body] of [
      [s.operator, 'file', {}],
      [s.dispatcher, 'dispatch', { departmentId: DEPARTMENT }],
      [s.handler, 'sign', {}],
    ] as const) {
      const res = await who.json('POST', `/api/v1/cases/${id}/${action}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    return id;
  }

  const post = (who: Session, id: string, action: string, body: unknown) =>
    who.json<CaseBody>('POST', `/api/v1/cases/${id}/${action}`, body);
  const eventCount = (id: string) => h.node.services.store.loadEvents(id).length;

  const table = [
    { op: 'return', requester: 'handler', approver: 'dispatcher', after: 'filed' },
    {
      op: 'extension',
      requester: 'handler',
      approver: 'dispatcher',
      after: 'handling',
      extra: { amount: 2, unit: 'working_days' },
    },
    { op: 'postpone', requester: 'handler', approver: 'dispatcher', after: 'postponed' },
    { op: 'void', requester: 'operator', approver: 'shift_lead', after: 'voided' },
    { op: 'ledger', requester: 'dispatcher', approver: 'dispatcher', after: 'ledgered' },
  ] as const;

  for (const t of table) {
    it(`${t.op}: requested by a ${t.requester}, a handler's approval is 403 and changes nothing, the ${t.approver} approves, the ledger shows it`, async () => {
      const id = await handlingCase();
      const req = await post(s[t.requester], id, 'special-requests', {
        op: t.op,
        reason: '测试原因',
        ...('extra' in t ? { extra: t.extra } : {}),
      });
      expect(req.status, JSON.stringify(req.body)).toBe(200);
      const requestId = req.body.case.specialOps.at(-1)?.requestId ?? '';

      const before = eventCount(id);
      const denied = await post(s.handler, id, 'special-decisions', { requestId, approved: true });
      expect(denied.status).toBe(403);
      expect(eventCount(id)).toBe(before);
      if (t.approver !== 'dispatcher') {
        const wrong = await post(s.dispatcher, id, 'special-decisions', { requestId, approved: true });
        expect(wrong.status).toBe(403);
        expect(wrong.body).toMatchObject({
          error: { code: 'forbidden', message: expect.stringContaining('approvers: shift_lead') },
        });
        expect(eventCount(id)).toBe(before);
      }

      const approved = await post(s[t.approver], id, 'special-decisions', { requestId, approved: true, note: '同意' });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.case.status).toBe(t.after);
      if (t.op === 'extension') expect(approved.body.case.clocks.handle?.extensions).toEqual([t.extra]);

      const ledger = await s.leader.json<{
        rows: { caseId: string; requestId: string; decision: { approved: boolean; by: { role: string } } }[];
      }>('GET', `/api/v1/ledgers/${t.op}`);
      expect(ledger.status).toBe(200);
      expect(ledger.body.rows.find((r) => r.requestId === requestId)).toMatchObject({
        caseId: id,
        decision: { approved: true, by: { role: t.approver } },
      });
    });
  }

  it('a postponed case resumes and a ledgered one is restored by the dispatcher; a handler cannot', async () => {
    for (const [op, end, status] of [
      ['postpone', 'resume', 'postponed'],
      ['ledger', 'restore', 'ledgered'],
    ] as const) {
      const id = await handlingCase();
      const req = await post(s.dispatcher, id, 'special-requests', { op, reason: '等待' });
      const requestId = req.body.case.specialOps.at(-1)?.requestId ?? '';
      expect((await post(s.dispatcher, id, 'special-decisions', { requestId, approved: true })).body.case.status).toBe(
        status,
      );
      expect((await post(s.handler, id, end, {})).status).toBe(403);
      h.advance(60);
      const back = await post(s.dispatcher, id, end, {});
      expect(back.body.case.status).toBe('handling');
      expect(back.body.case.clocks.handle?.suspensions).toHaveLength(1);
    }
  });

  it('a denied request changes nothing but is in the ledger', async () => {
    const id = await handlingCase();
    const req = await post(s.handler, id, 'special-requests', { op: 'return', reason: '不属于本部门' });
    const requestId = req.body.case.specialOps.at(-1)?.requestId ?? '';
    const denied = await post(s.dispatcher, id, 'special-decisions', {
      requestId,
      approved: false,
      note: '属于本部门',
    });
    expect(denied.body.case.status).toBe('handling');
    expect(denied.body.case.specialOps.at(-1)?.decision).toMatchObject({ approved: false });
  });

  it('urging (督办) by a leader flags the case; a collector may not urge', async () => {
    const id = await handlingCase();
    expect((await post(s.collector, id, 'urge', { comment: '快' })).status).toBe(403);
    const urged = await post(s.leader, id, 'urge', { comment: '请今日处理', level: 'high' });
    expect(urged.body.case.urges).toEqual([expect.objectContaining({ comment: '请今日处理', level: 'high' })]);
    expect(urged.body.case.status).toBe('handling');
  });

  it('the reporter’s name and phone are shown to the desk, not to handlers', async () => {
    const r = await s.operator.json<CaseBody>('POST', '/api/v1/reports', {
      source: 'hotline',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: '热线',
      reporter: { name: '张先生', phone: '13700000000' },
    });
    const id = r.body.case.caseId ?? '';
    await post(s.operator, id, 'file', {});
    await post(s.dispatcher, id, 'dispatch', { departmentId: DEPARTMENT });
    const forDesk = await s.operator.json<{ events: { payload: { reporter?: unknown } }[] }>(
      'GET',
      `/api/v1/cases/${id}/events`,
    );
    expect(forDesk.body.events[0]?.payload.reporter).toEqual({ name: '张先生', phone: '13700000000' });
    const forHandler = await s.handler.json<{ events: unknown[] }>('GET', `/api/v1/cases/${id}/events`);
    expect(JSON.stringify(forHandler.body)).not.toContain('13700000000');
  });

  it('only the assigned collector may record a verification', async () => {
    const r = await s.operator.json<CaseBody>('POST', '/api/v1/reports', {
      source: 'hotline',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: '待核实',
    });
    const id = r.body.case.caseId ?? '';
    await post(s.operator, id, 'verification-request', { collectorId: s.collector.userId });
    const other = await h.node.services.auth.createUser({
      username: 'collector-x',
      displayName: '采集员 X',
      role: 'collector',
      password: 'correct horse 42',
    });
    const token = h.node.services.auth.issueToken(other.id, 'handset X');
    const wrong = await fetch(`${h.base}/api/v1/cases/${id}/verification`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'confirmed' }),
    });
    expect(wrong.status).toBe(403);
    const right = await post(s.collector, id, 'verification', { result: 'confirmed' });
    expect(right.body.case.status).toBe('verified');
    expect(right.body.case.assignedCollector).toBeNull();
  });

  it('a handler of another department cannot sign or even see the case', async () => {
    const id = await handlingCase();
    const other = await h.node.services.auth.createUser({
      username: 'other-handler',
      displayName: '其他部门',
      role: 'handler',
      departmentId: 'dept-other',
      password: 'correct horse 42',
    });
    const token = h.node.services.auth.issueToken(other.id, 't');
    const get = await fetch(`${h.base}/api/v1/cases/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(404);
    const feedback = await fetch(`${h.base}/api/v1/cases/${id}/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'x' }),
    });
    expect(feedback.status).toBe(403);
  });
});
