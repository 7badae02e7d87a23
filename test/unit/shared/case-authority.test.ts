import { describe, expect, it } from 'vitest';
import { foldCase } from '../../../shared/case/fold.js';
import { CaseScenario, limits } from '../../support/case-scenario.js';
import { foldCaseConfigured } from '../../support/fold-helpers.js';

function filedAndHandled(): CaseScenario {
  const s = new CaseScenario();
  s.report();
  s.city('filed', { caseNumber: '320481-20260302-00020', limit: limits.dispatch });
  s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
  s.district('signed', {});
  s.district('handled', { result: 'done', photos: [] });
  s.city('check_requested', { collectorId: 'c1' });
  return s;
}

describe('authority: 一级监督、两级指挥', () => {
  it('a district may file only provisionally, and the decision waits for the city', () => {
    const s = new CaseScenario();
    s.report();
    const plain = s.district('filed', { caseNumber: '320481-20260302-00021' });
    expect(foldCase(s.events).conflicts[0]).toMatchObject({ eventId: plain.id, kind: 'unauthorised' });

    const t = new CaseScenario();
    t.report();
    const prov = t.district('filed', { caseNumber: '320481-20260302-00021' }, { provisional: true });
    const c = foldCase(t.events);
    expect(c.status).toBe('filed');
    expect(c.provisional).toEqual([{ eventId: prov.id, type: 'filed', origin: 'district:320481', state: 'pending' }]);
  });

  it('the city confirms a provisional decision', () => {
    const s = new CaseScenario();
    s.report();
    const prov = s.district('filed', { caseNumber: '320481-20260302-00022' }, { provisional: true });
    s.city('provisional_confirmed', { eventIds: [prov.id] });
    const c = foldCase(s.events);
    expect(c.provisional[0]?.state).toBe('confirmed');
    expect(c.conflicts).toEqual([]);
  });

  it('a city decision overrules a provisional district decision, and what depended on it becomes a conflict', () => {
    const s = new CaseScenario();
    s.report();
    const prov = s.district('filed', { caseNumber: '320481-20260302-00023' }, { provisional: true });
    const dispatch = s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
    s.city('provisional_overruled', { eventId: prov.id, reason: '不符合立案条件' });
    s.city('rejected', { reason: '不符合立案条件' });
    const c = foldCase(s.events);
    expect(c.status).toBe('rejected');
    expect(c.caseNumber).toBeNull();
    expect(c.conflicts).toEqual([
      expect.objectContaining({
        eventId: prov.id,
        kind: 'overruled',
        reason: expect.stringContaining('不符合立案条件'),
      }),
      expect.objectContaining({ eventId: dispatch.id, kind: 'transition' }),
    ]);
    expect(c.provisional).toEqual([]);
  });

  it('only the city may overrule; a district overrule is unauthorised', () => {
    const s = new CaseScenario();
    s.report();
    const prov = s.district('filed', { caseNumber: '320481-20260302-00024' }, { provisional: true });
    const bad = s.district('provisional_overruled', { eventId: prov.id, reason: 'x' }, { provisional: true });
    const c = foldCase(s.events);
    expect(c.status).toBe('filed');
    expect(c.conflicts).toEqual([expect.objectContaining({ eventId: bad.id, kind: 'unauthorised' })]);
  });

  it('city closes while the district reworks offline: the city wins on both sides, the conflict is visible', () => {
    const s = filedAndHandled();
    s.partition();
    const dCheck = s.district('check_recorded', { passed: false, photos: [] }, { provisional: true });
    const dRework = s.district('reworked', { reason: '不合格' }, { provisional: true });
    s.city('check_recorded', { passed: true, photos: [] });
    s.city('closed', {});
    s.heal();
    const districtView = foldCase([...s.events].reverse());
    const cityView = foldCase(s.events);
    expect(JSON.stringify(districtView)).toBe(JSON.stringify(cityView));
    expect(cityView.status).toBe('closed');
    expect(cityView.conflicts.map((x) => [x.eventId, x.kind])).toEqual([
      [dCheck.id, 'superseded'],
      [dRework.id, 'superseded'],
    ]);
  });

  it('city voids while the district dispatches: same state on both sides, the dispatch is a visible conflict', () => {
    const s = new CaseScenario();
    s.report();
    s.city('filed', { caseNumber: '320481-20260302-00025', limit: limits.dispatch });
    const req = s.city('special_requested', { op: 'void', reason: '重复' }, { role: 'operator' });
    s.partition();
    s.city('special_decided', { requestId: req.id, approved: true }, { role: 'shift_lead', after: 1 });
    const dispatch = s.district('dispatched', { departmentId: 'd1', limit: limits.handle }, { after: 1 });
    s.heal();
    const a = foldCase(s.events);
    const b = foldCase([...s.events].reverse());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.status).toBe('voided');
    expect(a.conflicts).toEqual([
      expect.objectContaining({ eventId: dispatch.id, kind: 'transition', reason: expect.stringContaining('voided') }),
    ]);
  });

  it('a provisional decision the city knew about when deciding is not superseded', () => {
    const s = new CaseScenario();
    s.report();
    s.district('filed', { caseNumber: '320481-20260302-00026' }, { provisional: true });
    s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
    s.city('urged', { comment: '加快' });
    const c = foldCase(s.events);
    expect(c.status).toBe('dispatched');
    expect(c.conflicts).toEqual([]);
  });

  it('an origin that is neither the city nor the case district cannot write to the case', () => {
    const s = new CaseScenario();
    s.report();
    const foreign = s.emit('district:320482', 'urged', { comment: 'not my case' });
    expect(foldCase(s.events).conflicts[0]).toMatchObject({ eventId: foreign.id, kind: 'unauthorised' });
  });

  it('authority is configuration: a city that delegates supervision to its districts', () => {
    const s = new CaseScenario();
    s.report();
    s.district('filed', { caseNumber: '320481-20260302-00027' });
    const c = foldCaseConfigured(s.events, { authority: { supervision: 'district', command: 'district' } });
    expect(c.status).toBe('filed');
    expect(c.provisional).toEqual([]);
  });
});
