import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseState } from '../../shared/case/state.js';
import { ValidationError } from '../../shared/validation.js';
import { cameraJpeg, EdgeHarness, type Session } from '../support/edge-harness.js';

type Candidate = { id: string; status: string; repeats: number; photoSha256: string | null; caseId: string | null };

describe('intake candidates (待确认线索): raised by machines, accepted or dismissed by an operator', () => {
  const h = new EdgeHarness();
  let operator: Session;
  let collector: Session;
  const raise = (over: Record<string, unknown> = {}) =>
    h.node.services.candidates.raise({
      source: 'camera',
      sourceId: 'cam-1',
      rule: 'GarbageDetector',
      dedupeKey: 'cam-1:GarbageDetector',
      cooldownMs: 60_000,
      observedAt: h.clock,
      description: '摄像头识别：暴露垃圾',
      category: '01001',
      position: { lon: 119.48, lat: 31.42 },
      ...over,
    });

  beforeAll(async () => {
    await h.start();
    operator = await h.as('operator');
    collector = await h.as('collector');
  });
  afterAll(() => h.stop());

  it('a repeat within the cooldown is counted on the open candidate; after the cooldown it is a new one', async () => {
    const first = await raise({ dedupeKey: 'k1' });
    const again = await raise({ dedupeKey: 'k1', observedAt: h.clock + 30_000 });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    // The cooldown slides with the last observation: 30 s + 59 s after the first is still the same episode.
    expect((await raise({ dedupeKey: 'k1', observedAt: h.clock + 89_000 })).created).toBe(false);
    const later = await raise({ dedupeKey: 'k1', observedAt: h.clock + 200_000 });
    expect(later.created).toBe(true);
    const one = await operator.json<{ candidate: Candidate }>('GET', `/api/v1/candidates/${first.id}`);
    expect(one.body.candidate.repeats).toBe(2);
  });

  it('bad input from a source is rejected with the field named, nothing stored', async () => {
    const before = h.node.services.candidates.pendingCount();
    await expect(raise({ dedupeKey: 'k2', position: { lon: 500, lat: 31 } })).rejects.toThrow(ValidationError);
    await expect(raise({ dedupeKey: 'k2', photo: Buffer.from('not an image') })).rejects.toThrow();
    expect(h.node.services.candidates.pendingCount()).toBe(before);
  });

  it('accepting makes exactly one case with the snapshot as its photo; a second accept is a conflict', async () => {
    const c = await raise({ dedupeKey: 'k3', photo: await cameraJpeg(640, 480) });
    const accepted = await operator.json<{ candidate: Candidate; case: CaseState }>(
      'POST',
      `/api/v1/candidates/${c.id}/accept`,
      {},
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body.candidate.status).toBe('accepted');
    expect(accepted.body.case.source).toBe('video');
    expect(accepted.body.case.photos.report.length).toBe(1);
    const photo = await operator.request('GET', `/api/v1/photos/${accepted.body.case.photos.report[0]}`);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const twice = await operator.json<{ error: { code: string } }>('POST', `/api/v1/candidates/${c.id}/accept`, {});
    expect(twice.status).toBe(409);
    const list = await operator.json<{ candidates: Candidate[] }>('GET', '/api/v1/candidates?status=accepted');
    expect(list.body.candidates.map((x) => x.id)).toContain(c.id);
  });

  it('a candidate without a category needs one from the operator; dismiss needs a reason; collectors may not decide', async () => {
    const c = await raise({ dedupeKey: 'k4', category: undefined });
    const noCat = await operator.json<{ error: { field: string } }>('POST', `/api/v1/candidates/${c.id}/accept`, {});
    expect(noCat.status).toBe(400);
    expect(noCat.body.error.field).toBe('body.category');
    expect((await collector.request('POST', `/api/v1/candidates/${c.id}/dismiss`, { reason: 'x' })).status).toBe(403);
    const noReason = await operator.json<{ error: { field: string } }>(
      'POST',
      `/api/v1/candidates/${c.id}/dismiss`,
      {},
    );
    expect(noReason.status).toBe(400);
    const ok = await operator.json<{ candidate: Candidate }>('POST', `/api/v1/candidates/${c.id}/dismiss`, {
      reason: '误报：阴影',
    });
    expect(ok.body.candidate.status).toBe('dismissed');
    expect(ok.body.candidate.caseId).toBeNull();
  });
});
