import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../shared/case/fold.js';
import { isOpen, isTerminal } from '../../../shared/case/status.js';
import { CaseScenario, limits } from '../../support/case-scenario.js';

const photo = (n: number) => n.toString(16).padStart(64, '0');

describe('the seven-step case loop', () => {
  it('walks report → verify → file → dispatch → sign → feedback → check fails → rework → check passes → close', () => {
    const s = new CaseScenario();
    const expectStatus = (status: string) => expect(foldCase(s.events).status).toBe(status);

    s.report({ source: 'hotline', photos: [photo(1)], limit: limits.urgent });
    expectStatus('reported');
    s.city('accepted', {});
    expectStatus('accepted');
    s.city('verification_requested', { collectorId: 'c-7', limit: { amount: 2, unit: 'working_hours' } });
    expectStatus('verifying');
    s.city('verification_recorded', { result: 'confirmed', photos: [photo(2)] });
    expectStatus('verified');
    s.city('filed', { caseNumber: '320400-20260302-00001', limit: limits.dispatch });
    expectStatus('filed');
    s.district('dispatched', { departmentId: 'dept-sanitation', limit: limits.handle });
    expectStatus('dispatched');
    s.district('signed', {});
    expectStatus('handling');
    s.district('handled', { result: '已清理', photos: [photo(3)] });
    expectStatus('handled');
    s.city('check_requested', { collectorId: 'c-7' });
    s.city('check_recorded', { passed: false, note: '仍有垃圾', photos: [photo(4)] });
    expectStatus('check_failed');
    const rework = s.city('reworked', { reason: '核查不通过' });
    const afterRework = foldCase(s.events);
    expect(afterRework.status).toBe('handling');
    expect(afterRework.reworkCount).toBe(1);
    s.district('handled', { result: '已彻底清理', photos: [photo(5)] });
    s.city('check_requested', { collectorId: 'c-7' });
    s.city('check_recorded', { passed: true, photos: [photo(6)] });
    expectStatus('checked');
    s.city('closed', {});

    const c = foldCase(s.events);
    expect(c.status).toBe('closed');
    expect(isOpen(c)).toBe(false);
    expect(isTerminal(c)).toBe(true);
    expect(c.conflicts).toEqual([]);
    expect(c.timeline).toHaveLength(s.events.length);
    expect(c.caseNumber).toBe('320400-20260302-00001');
    expect(c.departmentId).toBe('dept-sanitation');
    expect(c.photos).toEqual({
      report: [photo(1)],
      verification: [photo(2)],
      handling: [photo(3), photo(5)],
      check: [photo(4), photo(6)],
    });
    // Every clock that ran is stopped after closing.
    for (const clock of Object.values(c.clocks)) expect(clock?.stoppedAt).not.toBeNull();
    expect(c.clocks.handle?.startedAt).toBe(Date.parse(rework.at));
    expect(afterRework.clocks.handle?.stoppedAt).toBeNull();
  });

  it('a rework restarts the handling clock and keeps the first attempt in the clock history', () => {
    const s = new CaseScenario();
    s.report();
    s.city('filed', { caseNumber: '320481-20260302-00002' });
    const dispatch = s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
    s.district('signed', {});
    const handled = s.district('handled', { result: 'done', photos: [] });
    s.city('check_requested', { collectorId: 'c1' });
    s.city('check_recorded', { passed: false, photos: [] });
    const rework = s.city('reworked', { reason: 'not clean', limit: { amount: 4, unit: 'working_hours' } });
    const c = foldCase(s.events);
    expect(c.clocks.handle).toEqual({
      step: 'handle',
      startedAt: Date.parse(rework.at),
      limit: { amount: 4, unit: 'working_hours' },
      extensions: [],
      suspensions: [],
      stoppedAt: null,
    });
    const first = c.clockHistory.find((k) => k.step === 'handle');
    expect(first?.startedAt).toBe(Date.parse(dispatch.at));
    expect(first?.stoppedAt).toBe(Date.parse(handled.at));
  });

  it('a rework without a new limit reuses the previous handling limit', () => {
    const s = new CaseScenario();
    s.report();
    s.city('filed', { caseNumber: '320481-20260302-00003' });
    s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
    s.district('signed', {});
    s.district('handled', { result: 'done', photos: [] });
    s.city('check_requested', { collectorId: 'c1' });
    s.city('check_recorded', { passed: false, photos: [] });
    s.city('reworked', { reason: 'again' });
    expect(foldCase(s.events).clocks.handle?.limit).toEqual(limits.handle);
  });

  it('not filing (不予立案) ends the case as rejected, and later steps become conflicts', () => {
    const s = new CaseScenario();
    s.report({ source: 'public' });
    s.city('rejected', { reason: '不属于城管范围' });
    const late = s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
    const c = foldCase(s.events);
    expect(c.status).toBe('rejected');
    expect(c.conflicts).toEqual([
      expect.objectContaining({ eventId: late.id, kind: 'transition', reason: expect.stringContaining('rejected') }),
    ]);
  });

  it('filing must wait for a requested verification', () => {
    const s = new CaseScenario();
    s.report({ source: 'hotline' });
    s.city('verification_requested', { collectorId: 'c1' });
    const early = s.city('filed', { caseNumber: '320400-20260302-00004' });
    const c = foldCase(s.events);
    expect(c.status).toBe('verifying');
    expect(c.conflicts[0]).toMatchObject({ eventId: early.id, kind: 'transition' });
  });

  it('steps out of order are conflicts with a reason, never exceptions', () => {
    const s = new CaseScenario();
    s.report();
    const sign = s.district('signed', {});
    const close = s.city('closed', {});
    const c = foldCase(s.events);
    expect(c.status).toBe('reported');
    expect(c.conflicts.map((x) => x.eventId)).toEqual([sign.id, close.id]);
    expect(c.conflicts.every((x) => x.reason.length > 10)).toBe(true);
  });
});
