import type { SpecialOp } from '../../shared/case/events.js';
import type { CaseState } from '../../shared/case/state.js';
import { addWorkingTime, clockStatus, type TimeLimit, type WorkingCalendar } from '../../shared/clock/index.js';
import type { CommandName } from '../cases/workflow.service.js';
import type { CaseCategory } from './catalogue.js';
import type { CasePlan } from './plans.js';
import type { DemoAccount } from './users.js';

/** One thing a demo user does to a case at an instant, through the real services. */
export type Action = { at: number; by: DemoAccount } & (
  | { kind: 'report'; input: unknown }
  | { kind: 'run'; command: CommandName; input: Record<string, unknown> }
  | { kind: 'requestAndDecide'; op: SpecialOp; reason: string }
);

/** A case's life: yields actions, receives the case state after each. */
export type Script = Generator<Action, void, CaseState>;

export interface Crew {
  operators: readonly DemoAccount[];
  shiftLead: DemoAccount;
  dispatcher: DemoAccount;
  leader: DemoAccount;
  collectorOf(streetCode: string): DemoAccount;
  handlerOf(departmentId: string): DemoAccount;
}

export interface ScriptKit {
  calendar: WorkingCalendar;
  crew: Crew;
  /** The report of a plan: service input, the category really used, and the street it lies in. */
  report(plan: CasePlan): { input: unknown; category: CaseCategory; streetCode: string };
  /** The responsible department of a filed case (responsibility table). */
  departmentOf(state: CaseState): string;
  /** Some other department with a handler (for a dispatch that gets returned). */
  otherDepartment(departmentId: string, plan: CasePlan): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WORKING_DAY = 8 * HOUR;

/**
 * The script of one demo case. Office steps take working minutes (a report at 17:50 is accepted next morning);
 * handling is timed against the real handle clock, so "on time" and "late" are what the clock says.
 */
export class CaseRun {
  private t: number;
  private s: CaseState | undefined;

  constructor(
    readonly plan: CasePlan,
    private readonly kit: ScriptKit,
  ) {
    this.t = plan.reportAt;
  }

  *script(): Script {
    const { plan, kit } = this;
    const r = plan.random;
    const report = kit.report(plan);
    const collector = kit.crew.collectorOf(report.streetCode);
    const operator = r.pick(kit.crew.operators);
    this.s = yield {
      at: this.t,
      by: plan.source === 'collector' ? collector : operator,
      kind: 'report',
      input: report.input,
    };
    if (!(yield* this.intake(operator, collector))) return;
    const urgency = report.category.conditions[0]?.urgency;
    const filer = r.chance(0.7) ? operator : kit.crew.shiftLead;
    yield* this.run(this.work(5, 30), filer, 'file', { filingCondition: 1, ...(urgency ? { urgency } : {}) });
    const voidAt = plan.outcome === 'voided' ? r.pick(['filed', 'dispatched']) : null;
    if (voidAt === 'filed') return yield* this.voidCase(operator);
    const department = kit.departmentOf(this.state);
    if (plan.outcome === 'returned') yield* this.wrongDispatch(department);
    yield* this.run(this.work(5, 40), kit.crew.dispatcher, 'dispatch', { departmentId: department });
    if (voidAt === 'dispatched') return yield* this.voidCase(operator);
    const handler = kit.crew.handlerOf(department);
    for (let round = 0; ; round++) {
      if (!(yield* this.handling(handler, round))) return;
      yield* this.run(this.work(5, 30), operator, 'requestCheck', { collectorId: collector.principal.userId });
      const passed = !(plan.outcome === 'rework' && round === 0);
      const note = passed ? '现场已整改到位' : '现场问题仍未解决';
      yield* this.run(this.work(20, 120), collector, 'recordCheck', { passed, note });
      if (passed) break;
      yield* this.run(this.work(5, 30), operator, 'rework', { reason: '核查不通过，问题未彻底解决' });
    }
    yield* this.run(this.work(5, 40), kit.crew.shiftLead, 'close', { note: '核查通过，予以结案' });
  }

  /** 受理 or 核实; false when the case ends here (不予立案). */
  private *intake(operator: DemoAccount, collector: DemoAccount): Generator<Action, boolean, CaseState> {
    const rejected = this.plan.outcome === 'rejected';
    if (this.plan.source === 'collector') {
      yield* this.run(this.work(3, 40), operator, 'accept', {});
      if (!rejected) return true;
      yield* this.run(this.work(5, 30), operator, 'reject', { reason: '不属于数字城管受理范围，已转交相关单位' });
      return false;
    }
    yield* this.run(this.work(5, 30), operator, 'requestVerification', { collectorId: collector.principal.userId });
    const result = rejected ? 'not_found' : 'confirmed';
    const note = rejected ? '现场未发现所述问题' : '现场核实属实';
    yield* this.run(this.work(20, 100), collector, 'recordVerification', { result, note });
    if (!rejected) return true;
    yield* this.run(this.work(5, 30), operator, 'reject', { reason: '经核实现场无此问题，不予立案' });
    return false;
  }

  /** 回退: dispatched to the wrong department, which asks to return it; the dispatcher approves. */
  private *wrongDispatch(department: string): Script {
    const { crew } = this.kit;
    const wrong = this.kit.otherDepartment(department, this.plan);
    yield* this.run(this.work(5, 40), crew.dispatcher, 'dispatch', { departmentId: wrong });
    const at = this.at(this.t + this.plan.random.between(10, 120) * MINUTE);
    yield* this.run(at, crew.handlerOf(wrong), 'requestSpecial', {
      op: 'return',
      reason: '该问题不属于本单位职责范围，申请回退',
    });
    yield* this.decide(this.work(10, 60), crew.dispatcher, 'return', true, '同意回退，重新派遣');
  }

  /** 作废: a duplicate, voided by the shift lead directly or on an operator's request. */
  private *voidCase(operator: DemoAccount): Script {
    const { crew } = this.kit;
    const reason = '重复上报，与已立案案件为同一问题';
    if (this.plan.random.chance(0.5)) {
      yield* this.requestAndDecide(this.work(10, 90), crew.shiftLead, 'void', reason);
      return;
    }
    yield* this.run(this.work(10, 90), operator, 'requestSpecial', { op: 'void', reason });
    yield* this.decide(this.work(10, 60), crew.shiftLead, 'void', true, '同意作废');
  }

  /** Sign, the outcome's special operation, maybe an urge, and feedback; false when the case stays ledgered. */
  private *handling(handler: DemoAccount, round: number): Generator<Action, boolean, CaseState> {
    const { plan, kit } = this;
    const r = plan.random;
    const start = this.t;
    let deadline = this.handleDeadline();
    const span = Math.max(deadline - start, 10 * MINUTE);
    if (this.state.status === 'dispatched') {
      yield* this.run(this.at(start + span * r.between(0.03, 0.15)), handler, 'sign', {});
    }
    let feedbackFrom = this.t;
    const first = round === 0;
    if (first && plan.outcome === 'postponed_resumed') {
      const reason = r.pick(['连续降雨，无法施工，申请缓办', '需协调产权单位，申请缓办']);
      yield* this.run(this.at(start + span * r.between(0.15, 0.35)), handler, 'requestSpecial', {
        op: 'postpone',
        reason,
      });
      yield* this.decide(this.work(10, 60), kit.crew.dispatcher, 'postpone', true, '同意缓办');
      const resumeAt = this.at(addWorkingTime(kit.calendar, this.t, r.between(1, 4) * WORKING_DAY));
      yield* this.run(resumeAt, kit.crew.dispatcher, 'resume', { note: '条件具备，恢复办理' });
      deadline = this.handleDeadline();
      feedbackFrom = this.t;
    }
    if (first && (plan.outcome === 'ledgered' || plan.outcome === 'ledger_restored')) {
      const reason = '需纳入年度维修计划，短期内无法处置，挂账管理';
      yield* this.requestAndDecide(this.at(start + span * r.between(0.2, 0.5)), kit.crew.dispatcher, 'ledger', reason);
      if (plan.outcome === 'ledgered') return false;
      const restoreAt = this.at(addWorkingTime(kit.calendar, this.t, r.between(5, 20) * WORKING_DAY));
      yield* this.run(restoreAt, kit.crew.dispatcher, 'restore', { note: '维修资金已落实，恢复办理' });
      deadline = this.handleDeadline();
      feedbackFrom = this.t;
    }
    if (first && (plan.outcome === 'extended' || plan.outcome === 'extension_denied')) {
      const limit = this.state.clocks.handle?.limit;
      const extra: TimeLimit =
        limit?.unit === 'urgent_hours' ? { amount: 4, unit: 'urgent_hours' } : { amount: 2, unit: 'working_days' };
      const askAt = this.at(start + span * r.between(0.5, 0.8));
      yield* this.run(askAt, handler, 'requestSpecial', { op: 'extension', reason: '工程量较大，申请延期', extra });
      const approved = plan.outcome === 'extended';
      yield* this.decide(
        this.work(10, 60),
        kit.crew.dispatcher,
        'extension',
        approved,
        approved ? '同意延期' : '理由不充分，不予延期',
      );
      if (approved) {
        // Finish after the original deadline but within the extended one: on time only thanks to the extension.
        feedbackFrom = Math.max(this.t, deadline);
        deadline = this.handleDeadline();
      }
    }
    const late =
      plan.outcome === 'closed_late' ||
      plan.outcome === 'urged' ||
      (plan.outcome === 'extension_denied' && r.chance(0.5));
    const feedbackAt = late
      ? Math.max(deadline, this.t) + r.between(1, 48) * HOUR
      : feedbackFrom + Math.max(deadline - feedbackFrom, MINUTE) * r.between(0.3, 0.95);
    if (plan.outcome === 'urged' || (late && r.chance(0.3))) {
      const urgeAt = this.at(
        Math.max(deadline, this.t) + (feedbackAt - Math.max(deadline, this.t)) * r.between(0.2, 0.6),
      );
      yield* this.run(urgeAt, kit.crew.leader, 'urge', { comment: '群众反映强烈，请加快处置', level: 'high' });
    }
    const result = r.pick(['已按要求处置完毕', '已安排人员现场整改', '问题已解决，现场恢复原状']);
    yield* this.run(this.at(feedbackAt), handler, 'feedback', { result, photos: [] });
    return true;
  }

  private get state(): CaseState {
    if (!this.s) throw new Error(`demo case ${this.plan.index}: no state before the report`);
    return this.s;
  }

  /** The deadline of the running handle clock, as the case's clock says now. */
  private handleDeadline(): number {
    const clock = this.state.clocks.handle;
    if (!clock) throw new Error(`demo case ${this.plan.index}: no handle clock in status ${this.state.status}`);
    const status = clockStatus(this.kit.calendar, clock, this.t);
    if (status.deadline === null) throw new Error(`demo case ${this.plan.index}: the handle clock is suspended`);
    return status.deadline;
  }

  /** Moves the case's time to `instant`, at least a minute after its last step. */
  private at(instant: number): number {
    this.t = Math.max(this.t + MINUTE, Math.round(instant));
    return this.t;
  }

  /** Some working minutes after the last step (office hours of the city's calendar). */
  private work(minMinutes: number, maxMinutes: number): number {
    const minutes = this.plan.random.between(minMinutes, maxMinutes);
    return this.at(addWorkingTime(this.kit.calendar, this.t, minutes * MINUTE));
  }

  private *requestAndDecide(at: number, by: DemoAccount, op: SpecialOp, reason: string): Script {
    this.s = yield { at, by, kind: 'requestAndDecide', op, reason };
  }

  private *run(
    at: number,
    by: DemoAccount,
    command: CommandName,
    input: Record<string, unknown>,
  ): Generator<Action, CaseState, CaseState> {
    this.s = yield { at, by, kind: 'run', command, input };
    return this.s;
  }

  private *decide(at: number, by: DemoAccount, op: SpecialOp, approved: boolean, note: string): Script {
    const request = this.state.specialOps.findLast((o) => o.op === op && o.decision === null);
    if (!request) throw new Error(`demo case ${this.plan.index}: no pending ${op} request to decide`);
    yield* this.run(at, by, 'decideSpecial', { requestId: request.requestId, approved, note });
  }
}
