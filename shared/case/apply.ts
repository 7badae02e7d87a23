import { isRunning, limitOf, resumeClocks, startClock, stopAllClocks, stopClock, suspendClocks } from './clocks.js';
import type { FoldConfig } from './config.js';
import type { CaseEvent, CaseEventType, PayloadOf, SpecialOp } from './events.js';
import type { CaseState } from './state.js';
import { pendingRequest } from './state.js';
import type { CaseStatus } from './status.js';
import { categoryOf } from './status.js';

/** Applies one event to the case, or returns why it cannot apply (then the state is untouched). */
export type Transition<T extends CaseEventType> = (
  c: CaseState,
  e: Extract<CaseEvent, { type: T }>,
  at: number,
  config: FoldConfig,
) => string | null;

const intake: readonly CaseStatus[] = ['reported', 'accepted', 'verifying', 'verified'];
const filedOpen: readonly CaseStatus[] = [
  'filed',
  'dispatched',
  'handling',
  'handled',
  'checking',
  'check_failed',
  'checked',
];

/** Where each special operation may be requested and approved. */
const opAllowedIn: Record<SpecialOp, readonly CaseStatus[]> = {
  return: ['dispatched', 'handling'],
  extension: ['dispatched', 'handling'],
  postpone: ['filed', 'dispatched', 'handling'],
  void: [...intake, ...filedOpen, 'postponed', 'ledgered'],
  ledger: ['filed', 'dispatched', 'handling', 'check_failed'],
};

function setStatus(c: CaseState, status: CaseStatus): void {
  c.status = status;
  c.category = categoryOf(status);
}

function need(c: CaseState, allowed: readonly CaseStatus[], what: string): string | null {
  return allowed.includes(c.status) ? null : `${what} is not allowed while the case is ${c.status}`;
}

const transitions: { [T in CaseEventType]: Transition<T> } = {
  reported: (c, e, at) => {
    if (c.status !== 'none') return 'the case was already reported';
    const p: PayloadOf<'reported'> = e.payload;
    c.caseId = e.caseId;
    c.district = p.district;
    c.source = p.source;
    c.categoryRef = { kind: p.category.kind, code: p.category.code };
    c.location = { lon: p.location.lon, lat: p.location.lat, address: p.location.address ?? null };
    c.gridCode = p.gridCode ?? null;
    c.componentId = p.componentId ?? null;
    c.description = p.description;
    c.clientReportId = p.clientReportId ?? null;
    c.photos.report.push(...p.photos);
    c.reportedAt = e.at;
    setStatus(c, 'reported');
    startClock(c, 'accept', at, p.limit);
    return null;
  },
  accepted: (c, e, at) => {
    const bad = need(c, ['reported'], 'accepting (受理)');
    if (bad) return bad;
    stopClock(c, 'accept', at);
    startClock(c, 'file', at, e.payload.limit);
    setStatus(c, 'accepted');
    return null;
  },
  verification_requested: (c, e, at) => {
    const bad = need(c, ['reported', 'accepted'], 'requesting verification (核实)');
    if (bad) return bad;
    stopClock(c, 'accept', at);
    startClock(c, 'verify', at, e.payload.limit);
    c.assignedCollector = e.payload.collectorId;
    setStatus(c, 'verifying');
    return null;
  },
  verification_recorded: (c, e, at) => {
    const bad = need(c, ['verifying'], 'recording a verification');
    if (bad) return bad;
    stopClock(c, 'verify', at);
    c.assignedCollector = null;
    c.verification = e.payload.result;
    c.photos.verification.push(...e.payload.photos);
    if (e.payload.limit) startClock(c, 'file', at, e.payload.limit);
    setStatus(c, 'verified');
    return null;
  },
  filed: (c, e, at) => {
    const bad = need(c, intake, 'filing (立案)');
    if (bad) return bad;
    if (c.status === 'verifying') return 'filing (立案) must wait for the verification result';
    stopClock(c, 'accept', at);
    stopClock(c, 'file', at);
    c.caseNumber = e.payload.caseNumber;
    if (e.payload.category) c.categoryRef = { kind: e.payload.category.kind, code: e.payload.category.code };
    if (e.payload.gridCode) c.gridCode = e.payload.gridCode;
    c.urgency = e.payload.urgency ?? null;
    c.conditionNo = e.payload.conditionNo ?? null;
    c.filedAt = e.at;
    startClock(c, 'dispatch', at, e.payload.limit);
    setStatus(c, 'filed');
    return null;
  },
  rejected: (c, _e, at) => {
    const bad = need(c, intake, 'rejecting (不予立案)');
    if (bad) return bad;
    stopAllClocks(c, at);
    setStatus(c, 'rejected');
    return null;
  },
  dispatched: (c, e, at) => {
    const bad = need(c, ['filed'], 'dispatching (派遣)');
    if (bad) return bad;
    stopClock(c, 'dispatch', at);
    c.departmentId = e.payload.departmentId;
    c.dispatchedAt = e.at;
    startClock(c, 'handle', at, e.payload.limit);
    setStatus(c, 'dispatched');
    return null;
  },
  signed: (c) => {
    const bad = need(c, ['dispatched'], 'signing for the case (签收)');
    if (bad) return bad;
    setStatus(c, 'handling');
    return null;
  },
  handled: (c, e, at) => {
    const bad = need(c, ['handling'], 'feeding back (处置反馈)');
    if (bad) return bad;
    stopClock(c, 'handle', at);
    c.photos.handling.push(...e.payload.photos);
    setStatus(c, 'handled');
    return null;
  },
  check_requested: (c, e, at) => {
    const bad = need(c, ['handled'], 'requesting a check (核查)');
    if (bad) return bad;
    startClock(c, 'check', at, e.payload.limit);
    c.assignedCollector = e.payload.collectorId;
    setStatus(c, 'checking');
    return null;
  },
  check_recorded: (c, e, at) => {
    const bad = need(c, ['checking'], 'recording a check');
    if (bad) return bad;
    stopClock(c, 'check', at);
    c.assignedCollector = null;
    c.photos.check.push(...e.payload.photos);
    if (e.payload.passed) startClock(c, 'close', at, e.payload.limit);
    setStatus(c, e.payload.passed ? 'checked' : 'check_failed');
    return null;
  },
  reworked: (c, e, at) => {
    const bad = need(c, ['check_failed'], 'ordering rework (返工)');
    if (bad) return bad;
    const previous = c.clocks.handle?.limit;
    const limit = e.payload.limit ?? previous;
    if (!limit) return 'rework (返工) needs a handling limit: none was given and the case has no previous one';
    startClock(c, 'handle', at, limit);
    c.reworkCount += 1;
    setStatus(c, 'handling');
    return null;
  },
  closed: (c, _e, at) => {
    const bad = need(c, ['checked'], 'closing (结案)');
    if (bad) return bad;
    stopAllClocks(c, at);
    c.closedAt = _e.at;
    setStatus(c, 'closed');
    return null;
  },
  special_requested: (c, e) => {
    const { op } = e.payload;
    const bad = need(c, opAllowedIn[op], `requesting ${op}`);
    if (bad) return bad;
    if (pendingRequest(c, op)) return `a ${op} request is already waiting for approval`;
    if (op === 'extension' && !e.payload.extra)
      return 'an extension (延期) request needs payload.extra (the extra time)';
    c.specialOps.push({
      requestId: e.id,
      op,
      reason: e.payload.reason,
      extra: e.payload.extra ? limitOf(e.payload.extra) : null,
      requestedAt: e.at,
      requestedBy: { userId: e.actor.userId, role: e.actor.role },
      decision: null,
    });
    return null;
  },
  special_decided: (c, e, at, config) => {
    const request = c.specialOps.find((r) => r.requestId === e.payload.requestId);
    if (!request) return `no special-operation request ${e.payload.requestId} on this case`;
    if (request.decision) return `the ${request.op} request was already decided`;
    if (!config.approvers[request.op].includes(e.actor.role)) {
      return `a ${e.actor.role} may not decide a ${request.op} request (approvers: ${config.approvers[request.op].join(', ')})`;
    }
    if (e.payload.approved) {
      const bad = need(c, opAllowedIn[request.op], `approving ${request.op}`) ?? approve(c, request.op, e, at);
      if (bad) return bad;
    }
    request.decision = {
      approved: e.payload.approved,
      at: e.at,
      by: { userId: e.actor.userId, role: e.actor.role },
      note: e.payload.note ?? null,
      eventId: e.id,
    };
    return null;
  },
  resumed: (c, _e, at) => {
    const bad = need(c, ['postponed'], 'resuming (恢复)');
    if (bad) return bad;
    resumeClocks(c, at);
    setStatus(c, c.resumeTo ?? 'filed');
    c.resumeTo = null;
    return null;
  },
  restored: (c, _e, at) => {
    const bad = need(c, ['ledgered'], 'restoring from the ledger (挂账恢复)');
    if (bad) return bad;
    resumeClocks(c, at);
    setStatus(c, c.resumeTo ?? 'filed');
    c.resumeTo = null;
    return null;
  },
  urged: (c, e) => {
    if (c.status === 'none' || c.category === 'closed' || c.category === 'rejected' || c.category === 'voided') {
      return `urging (督办) is not allowed while the case is ${c.status}`;
    }
    c.urges.push({
      at: e.at,
      by: { userId: e.actor.userId, role: e.actor.role },
      comment: e.payload.comment,
      level: e.payload.level,
      eventId: e.id,
    });
    return null;
  },
  provisional_confirmed: (c, e) => {
    const unknown = e.payload.eventIds.filter((id) => !c.provisional.some((p) => p.eventId === id));
    if (unknown.length > 0) return `not a provisional decision on this case: ${unknown.join(', ')}`;
    for (const p of c.provisional) if (e.payload.eventIds.includes(p.eventId)) p.state = 'confirmed';
    return null;
  },
  // Validity of an overrule is decided in fold.ts, which takes the overruled event out of the fold.
  provisional_overruled: () => null,
};

/** Effects of an approved special operation; returns a reason when it cannot take effect. */
function approve(
  c: CaseState,
  op: SpecialOp,
  e: Extract<CaseEvent, { type: 'special_decided' }>,
  at: number,
): string | null {
  switch (op) {
    case 'return': {
      stopClock(c, 'handle', at);
      const dispatchLimit = c.clocks.dispatch?.limit ?? c.clockHistory.findLast((k) => k.step === 'dispatch')?.limit;
      startClock(c, 'dispatch', at, dispatchLimit);
      c.departmentId = null;
      c.returnCount += 1;
      setStatus(c, 'filed');
      return null;
    }
    case 'extension': {
      const clock = c.clocks.handle;
      const extra = e.payload.extra ?? pendingRequest(c, 'extension')?.extra ?? undefined;
      if (!isRunning(clock)) return 'an extension (延期) needs a running handling clock';
      if (!extra) return 'an extension (延期) needs the extra time';
      clock.extensions.push(limitOf(extra));
      return null;
    }
    case 'postpone':
    case 'ledger': {
      suspendClocks(c, at);
      c.resumeTo = c.status;
      setStatus(c, op === 'postpone' ? 'postponed' : 'ledgered');
      return null;
    }
    case 'void': {
      stopAllClocks(c, at);
      c.resumeTo = null;
      setStatus(c, 'voided');
      return null;
    }
  }
}

export function applyEvent(c: CaseState, e: CaseEvent, at: number, config: FoldConfig): string | null {
  const fn = transitions[e.type] as Transition<CaseEventType>;
  return fn(c, e as never, at, config);
}
