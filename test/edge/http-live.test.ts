import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseState } from '../../shared/case/state.js';
import { DEPARTMENT, EdgeHarness, type Session } from '../support/edge-harness.js';

interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads server-sent events from a real HTTP response until `until` matches or the timeout passes. */
async function collect(res: Response, until: (events: SseEvent[]) => boolean, timeoutMs = 5_000): Promise<SseEvent[]> {
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffered = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !until(events)) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
    ]);
    if (chunk === null || chunk.done) break;
    buffered += decoder.decode(chunk.value, { stream: true });
    let cut = buffered.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      events.push({ event, data: data ? JSON.parse(data) : null });
      cut = buffered.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return events;
}

const idsIn = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'cases').flatMap((e) => (e.data as { caseIds: string[] }).caseIds);

describe('GET /api/v1/live: what changed, coalesced, for the consoles', () => {
  const h = new EdgeHarness();
  let collector: Session;
  let operator: Session;
  let dispatcher: Session;
  let handler: Session;
  let n = 0;
  const report = async () => {
    n += 1;
    const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
      clientReportId: `live-${n}`,
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: '实时',
    });
    return r.body.case.caseId ?? '';
  };

  beforeAll(async () => {
    await h.start();
    collector = await h.as('collector');
    operator = await h.as('operator');
    dispatcher = await h.as('dispatcher');
    handler = await h.as('handler');
  });
  afterAll(() => h.stop());

  it('an operator hears about a new report within the flush interval; a burst arrives as one message', async () => {
    const res = await operator.request('GET', '/api/v1/live?flushMs=200');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const ids = await Promise.all([report(), report(), report()]);
    const events = await collect(res, (es) => ids.every((id) => idsIn(es).includes(id)));
    expect(idsIn(events)).toEqual(expect.arrayContaining(ids));
    // Coalesced: three writes within one flush interval are at most a couple of messages, not one per write.
    expect(events.filter((e) => e.event === 'cases').length).toBeLessThanOrEqual(2);
  });

  it('a department handler hears only about cases of the department', async () => {
    const res = await handler.request('GET', '/api/v1/live?flushMs=100');
    const other = await report();
    const mine = await report();
    await operator.json('POST', `/api/v1/cases/${mine}/file`, {});
    await dispatcher.json('POST', `/api/v1/cases/${mine}/dispatch`, { departmentId: DEPARTMENT });
    const events = await collect(res, (es) => idsIn(es).includes(mine));
    expect(idsIn(events)).toContain(mine);
    expect(idsIn(events)).not.toContain(other);
  });

  it('the sweep’s yellow and red alerts are pushed live and listed by GET /api/v1/alerts', async () => {
    const id = await report();
    const res = await operator.request('GET', '/api/v1/live?flushMs=100');
    h.advance(60 * 24 * 3); // three days: the acceptance clock (1 working hour) is long overdue
    const alerts = h.node.sweep.sweep();
    expect(alerts.some((a) => a.caseId === id && a.level === 'red')).toBe(true);
    const events = await collect(res, (es) => es.some((e) => e.event === 'alerts'));
    const pushed = events
      .filter((e) => e.event === 'alerts')
      .flatMap((e) => (e.data as { alerts: { caseId: string }[] }).alerts);
    expect(pushed.map((a) => a.caseId)).toContain(id);
    operator = await h.as('operator', { fresh: true }); // the session expired while three days passed
    const listed = await operator.json<{ alerts: { caseId: string; level: string }[] }>('GET', '/api/v1/alerts');
    expect(listed.body.alerts.some((a) => a.caseId === id && a.level === 'red')).toBe(true);
    expect((await operator.request('GET', '/api/v1/alerts?since=yesterday')).status).toBe(400);
  });

  it('needs a login', async () => {
    const res = await fetch(`${h.base}/api/v1/live`);
    expect(res.status).toBe(401);
  });
});
