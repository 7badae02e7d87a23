import { describe, expect, it } from 'vitest';
import type { SpecialOp } from '../../../shared/case/events.js';
import { foldCase } from '../../../shared/case/fold.js';
import type { Role } from '../../../shared/case/roles.js';
import { isOpen } from '../../../shared/case/status.js';
import { CaseScenario, limits } from '../../support/case-scenario.js';

/** A case dispatched and signed: the department is handling it. */
function handling(): CaseScenario {
  const s = new CaseScenario();
  s.report();
  s.city('filed', { caseNumber: '320481-20260302-00010', limit: limits.dispatch });
  s.district('dispatched', { departmentId: 'dept-roads', limit: limits.handle });
  s.district('signed', {});
  return s;
}

interface OpCase {
  op: SpecialOp;
  approver: Role;
  requester: Role;
  extra?: { amount: number; unit: 'working_days' };
  after: string;
  check: (c: ReturnType<typeof foldCase>) => void;
}

const table: OpCase[] = [
  {
    op: 'return',
    approver: 'dispatcher',
    requester: 'handler',
    after: 'filed',
    check: (c) => {
      expect(c.departmentId).toBeNull();
      expect(c.returnCount).toBe(1);
      expect(c.clocks.handle?.stoppedAt).not.toBeNull();
      expect(c.clocks.dispatch?.stoppedAt).toBeNull();
    },
  },
  {
    op: 'extension',
    approver: 'dispatcher',
    requester: 'handler',
    extra: { amount: 3, unit: 'working_days' },
    after: 'handling',
    check: (c) => expect(c.clocks.handle?.extensions).toEqual([{ amount: 3, unit: 'working_days' }]),
  },
  {
    op: 'postpone',
    approver: 'dispatcher',
    requester: 'handler',
    after: 'postponed',
    check: (c) => {
      expect(c.resumeTo).toBe('handling');
      expect(c.clocks.handle?.suspensions).toHaveLength(1);
      expect(c.clocks.handle?.suspensions[0]?.to).toBeNull();
    },
  },
  {
    op: 'void',
    approver: 'shift_lead',
    requester: 'operator',
    after: 'voided',
    check: (c) => {
      expect(isOpen(c)).toBe(false);
      expect(c.clocks.handle?.stoppedAt).not.toBeNull();
    },
  },
  {
    op: 'ledger',
    approver: 'dispatcher',
    requester: 'handler',
    after: 'ledgered',
    check: (c) => {
      expect(c.category).toBe('suspended');
      expect(c.clocks.handle?.suspensions[0]?.to).toBeNull();
    },
  },
];

describe('special operations need their approval (回退, 延期, 缓办, 作废, 挂账)', () => {
  describe.each(table)('$op', ({ op, approver, requester, extra, after, check }) => {
    // A void is a supervision decision (owned by the city); the others are the district's command decisions.
    const decide = (s: CaseScenario, payload: Record<string, unknown>, role: Role) =>
      op === 'void' ? s.city('special_decided', payload, { role }) : s.district('special_decided', payload, { role });

    it(`approved by a ${approver}: takes effect and appears in the ledger`, () => {
      const s = handling();
      const req = s.district(
        'special_requested',
        { op, reason: '需要处理', ...(extra ? { extra } : {}) },
        { role: requester },
      );
      const pending = foldCase(s.events);
      expect(pending.status).toBe('handling');
      expect(pending.specialOps).toEqual([expect.objectContaining({ requestId: req.id, op, decision: null })]);
      decide(s, { requestId: req.id, approved: true, note: '同意' }, approver);
      const c = foldCase(s.events);
      expect(c.conflicts).toEqual([]);
      expect(c.status).toBe(after);
      expect(c.specialOps[0]?.decision).toMatchObject({ approved: true, by: { role: approver } });
      check(c);
    });

    it('denied: nothing changes but the ledger records the decision', () => {
      const s = handling();
      const before = foldCase(s.events);
      const req = s.district(
        'special_requested',
        { op, reason: '需要处理', ...(extra ? { extra } : {}) },
        { role: requester },
      );
      decide(s, { requestId: req.id, approved: false, note: '不同意' }, approver);
      const c = foldCase(s.events);
      expect(c.status).toBe(before.status);
      expect(c.clocks).toEqual(before.clocks);
      expect(c.specialOps[0]?.decision).toMatchObject({ approved: false });
    });

    it('decided by a handler who is not the approver: a conflict, and nothing changes', () => {
      const s = handling();
      const req = s.district(
        'special_requested',
        { op, reason: '需要处理', ...(extra ? { extra } : {}) },
        { role: requester },
      );
      const before = foldCase(s.events);
      const bad = decide(s, { requestId: req.id, approved: true }, 'handler');
      const c = foldCase(s.events);
      expect(c.status).toBe(before.status);
      expect(c.specialOps).toEqual(before.specialOps);
      expect(c.conflicts).toEqual([
        expect.objectContaining({
          eventId: bad.id,
          kind: 'transition',
          reason: expect.stringContaining('may not decide'),
        }),
      ]);
    });

    it('a second request while one is pending is a conflict', () => {
      const s = handling();
      s.district('special_requested', { op, reason: 'a', ...(extra ? { extra } : {}) }, { role: requester });
      const dup = s.district(
        'special_requested',
        { op, reason: 'b', ...(extra ? { extra } : {}) },
        { role: requester },
      );
      expect(foldCase(s.events).conflicts.map((x) => x.eventId)).toEqual([dup.id]);
    });
  });

  it('a request on a closed case is refused', () => {
    const s = new CaseScenario();
    s.report();
    s.city('rejected', { reason: 'duplicate' });
    const req = s.district('special_requested', { op: 'return', reason: 'not ours' });
    expect(foldCase(s.events).conflicts[0]).toMatchObject({ eventId: req.id, kind: 'transition' });
  });

  it('an extension request without the extra time is refused', () => {
    const s = handling();
    const req = s.district('special_requested', { op: 'extension', reason: 'need more time' });
    expect(foldCase(s.events).conflicts[0]).toMatchObject({
      eventId: req.id,
      reason: expect.stringContaining('extra'),
    });
  });

  it('a postponement stops the clock and resuming restarts it where it was', () => {
    const s = handling();
    const req = s.district('special_requested', { op: 'postpone', reason: '等待天气' });
    const approve = s.district('special_decided', { requestId: req.id, approved: true });
    const resume = s.district('resumed', {}, { after: 24 * 60 });
    const c = foldCase(s.events);
    expect(c.status).toBe('handling');
    expect(c.resumeTo).toBeNull();
    expect(c.clocks.handle?.suspensions).toEqual([{ from: Date.parse(approve.at), to: Date.parse(resume.at) }]);
    expect(c.clocks.handle?.stoppedAt).toBeNull();
  });

  it('a ledgered case is restored to where it was', () => {
    const s = handling();
    const req = s.district('special_requested', { op: 'ledger', reason: '长期问题' });
    s.district('special_decided', { requestId: req.id, approved: true });
    s.district('restored', {});
    const c = foldCase(s.events);
    expect(c.status).toBe('handling');
    expect(c.clocks.handle?.suspensions[0]?.to).not.toBeNull();
  });

  it('resuming a case that is not postponed is a conflict', () => {
    const s = handling();
    const r = s.district('resumed', {});
    expect(foldCase(s.events).conflicts[0]).toMatchObject({ eventId: r.id, kind: 'transition' });
  });

  it('urging (督办) flags the case with a comment and does not change its status', () => {
    const s = handling();
    s.city('urged', { comment: '请尽快处理', level: 'high' }, { role: 'leader' });
    const c = foldCase(s.events);
    expect(c.status).toBe('handling');
    expect(c.urges).toEqual([
      expect.objectContaining({ comment: '请尽快处理', level: 'high', by: { userId: 'leader-1', role: 'leader' } }),
    ]);
  });

  it('urging a closed case is a conflict', () => {
    const s = new CaseScenario();
    s.report();
    s.city('rejected', { reason: 'x' });
    const u = s.city('urged', { comment: 'hurry' });
    expect(foldCase(s.events).conflicts[0]).toMatchObject({ eventId: u.id });
  });

  it('a void approved by a district shift lead without the provisional flag is unauthorised (the city owns voids)', () => {
    const s = handling();
    const req = s.district('special_requested', { op: 'void', reason: '重复案件' }, { role: 'operator' });
    const d = s.district('special_decided', { requestId: req.id, approved: true }, { role: 'shift_lead' });
    const c = foldCase(s.events);
    expect(c.status).toBe('handling');
    expect(c.conflicts[0]).toMatchObject({ eventId: d.id, kind: 'unauthorised' });
  });
});
