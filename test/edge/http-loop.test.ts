import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../edge/audit/audit-log.js';
import { cases } from '../../edge/db/schema.js';
import { foldCase } from '../../shared/case/fold.js';
import type { CaseState } from '../../shared/case/state.js';
import { cameraJpeg, DEPARTMENT, EdgeHarness, photoForm } from '../support/edge-harness.js';

type CaseBody = { case: CaseState; clocks: { step: string; state: string; light: string; deadline: number | null }[] };

describe('the full case loop over HTTP', () => {
  const h = new EdgeHarness();
  beforeAll(async () => {
    await h.start();
  });
  afterAll(() => h.stop());

  /** After every step: the projection equals the fold of the stored events, and the audit chain holds. */
  function expectConsistent(caseId: string) {
    const events = h.node.services.store.loadEvents(caseId);
    const row = h.node.db.select().from(cases).where(eq(cases.id, caseId)).get();
    expect(row?.state).toBe(JSON.stringify(foldCase(events, h.node.config.fold)));
    expect(row?.eventCount).toBe(events.length);
    expect(verifyAuditChain(h.node.db)).toMatchObject({ ok: true });
    return events;
  }

  it('report with photo → verify → file → dispatch → sign → feedback with photo → check fails → rework → check passes → close', async () => {
    const collector = await h.as('collector');
    const operator = await h.as('operator');
    const dispatcher = await h.as('dispatcher');
    const handler = await h.as('handler');
    const lead = await h.as('shift_lead');

    const report = {
      clientReportId: 'hs-7-0001',
      source: 'collector',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.484, lat: 31.416, address: '燕山路 12 号' },
      description: '暴露垃圾',
    };
    const created = await collector.request('POST', '/api/v1/reports', photoForm(report, [await cameraJpeg()]));
    expect(created.status).toBe(201);
    const first = (await created.json()) as CaseBody;
    const id = first.case.caseId ?? '';
    expect(first.case).toMatchObject({ status: 'reported', gridCode: '320481001001001', district: '320481' });
    expect(first.case.photos.report).toHaveLength(1);
    expect(first.clocks).toEqual([expect.objectContaining({ step: 'accept', state: 'running', light: 'green' })]);
    const photo = await collector.request('GET', `/api/v1/photos/${first.case.photos.report[0]}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expectConsistent(id);

    const step = async (s: typeof operator, action: string, body: unknown, status: string) => {
      h.advance(20);
      const r = await s.json<CaseBody>('POST', `/api/v1/cases/${id}/${action}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.case.status).toBe(status);
      expect(r.body.case.conflicts).toEqual([]);
      expectConsistent(id);
      return r.body;
    };

    await step(operator, 'verification-request', { collectorId: collector.userId }, 'verifying');
    await step(collector, 'verification', { result: 'confirmed' }, 'verified');
    const filed = await step(operator, 'file', {}, 'filed');
    expect(filed.case.caseNumber).toBe('320481-20260302-00001');
    // The district took the city's supervision step: provisional until the city confirms.
    expect(filed.case.provisional.map((p) => p.type)).toEqual([
      'verification_requested',
      'verification_recorded',
      'filed',
    ]);
    const dispatched = await step(dispatcher, 'dispatch', { departmentId: DEPARTMENT }, 'dispatched');
    expect(dispatched.clocks.find((c) => c.step === 'handle')).toMatchObject({ state: 'running', light: 'green' });
    await step(handler, 'sign', {}, 'handling');
    const upload = await handler.request(
      'POST',
      '/api/v1/photos',
      (() => {
        const f = new FormData();
        f.set('photo', new Blob([new Uint8Array(Buffer.alloc(0))]), 'x.jpg');
        return f;
      })(),
    );
    expect(upload.status).toBe(415);
    const good = new FormData();
    good.set('photo', new Blob([new Uint8Array(await cameraJpeg(1200, 900, { r: 200, g: 200, b: 200 }))]), 'after.jpg');
    const uploaded = await handler.request('POST', '/api/v1/photos', good);
    expect(uploaded.status).toBe(201);
    const { sha256 } = (await uploaded.json()) as { sha256: string };
    await step(handler, 'feedback', { result: '已清理', photos: [sha256] }, 'handled');
    await step(operator, 'check-request', { collectorId: collector.userId }, 'checking');
    await step(collector, 'check', { passed: false, note: '仍有垃圾' }, 'check_failed');
    const reworked = await step(operator, 'rework', { reason: '核查不通过' }, 'handling');
    expect(reworked.case.reworkCount).toBe(1);
    expect(reworked.case.clocks.handle?.startedAt).toBe(h.clock);
    await step(handler, 'feedback', { result: '已彻底清理', photos: [sha256] }, 'handled');
    await step(operator, 'check-request', { collectorId: collector.userId }, 'checking');
    await step(collector, 'check', { passed: true }, 'checked');
    const closed = await step(lead, 'close', {}, 'closed');
    expect(closed.clocks.every((c) => c.state === 'stopped')).toBe(true);

    const events = expectConsistent(id);
    expect(events.map((e) => e.type)).toEqual([
      'reported',
      'verification_requested',
      'verification_recorded',
      'filed',
      'dispatched',
      'signed',
      'handled',
      'check_requested',
      'check_recorded',
      'reworked',
      'handled',
      'check_requested',
      'check_recorded',
      'closed',
    ]);
    expect(events.every((e, i) => e.seq === i + 1 && e.origin === 'district:320481')).toBe(true);
    const actions = h.node.db.$client.prepare('SELECT action FROM audit WHERE target = ? ORDER BY seq').all(id) as {
      action: string;
    }[];
    expect(actions.map((a) => a.action)).toEqual([
      'report.create',
      'case.requestVerification',
      'case.recordVerification',
      'case.file',
      'case.dispatch',
      'case.sign',
      'case.feedback',
      'case.requestCheck',
      'case.recordCheck',
      'case.rework',
      'case.feedback',
      'case.requestCheck',
      'case.recordCheck',
      'case.close',
    ]);
  });

  it('a retried report with the same client report id returns the original case', async () => {
    const collector = await h.as('collector');
    const report = {
      clientReportId: 'hs-7-0002',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.485, lat: 31.417 },
      description: '重复',
    };
    const a = await collector.json<CaseBody>('POST', '/api/v1/reports', report);
    const b = await collector.json<CaseBody>('POST', '/api/v1/reports', report);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.case.caseId).toBe(a.body.case.caseId);
    expect(
      h.node.db.$client
        .prepare("SELECT count(*) n FROM events WHERE type = 'reported' AND body LIKE '%hs-7-0002%'")
        .get(),
    ).toEqual({ n: 1 });
  });
});
