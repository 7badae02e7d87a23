import type { CaseState } from '../../shared/case/state.js';
import type { WorkingCalendar } from '../../shared/clock/index.js';
import { ValidationError } from '../../shared/validation.js';
import { findResponsibleDepartment } from '../basedata/index.js';
import type { EdgeDb } from '../db/open.js';
import { DomainError } from '../errors.js';
import type { EdgeServices } from '../http/app.js';
import { CASE_CATEGORIES, type CaseCategory, ROADS } from './catalogue.js';
import type { DemoComponent } from './components.js';
import type { DemoDistrict } from './district.js';
import { pointIn } from './district.js';
import type { CasePlan } from './plans.js';
import type { Action, Crew, Script, ScriptKit } from './script.js';
import { CaseRun } from './script.js';
import type { DemoAccount } from './users.js';

/** The node's clock while history is written: each action runs at its own instant. */
export interface SeedClock {
  hold(instant: number): void;
}

export interface HistoryDeps {
  db: EdgeDb;
  services: Pick<EdgeServices, 'intake' | 'workflow'>;
  calendar: WorkingCalendar;
  clock: SeedClock;
  district: DemoDistrict;
  components: ReadonlyMap<string, DemoComponent[]>;
  accounts: readonly DemoAccount[];
}

/** An action the services refused: the case stops there. A correct generator has none (the tests check). */
export interface HistoryFailure {
  caseIndex: number;
  outcome: string;
  action: string;
  message: string;
}

export interface HistoryResult {
  cases: number;
  actions: number;
  /** Cases whose next step would come after the end of the history: still running. */
  running: number;
  failures: HistoryFailure[];
}

const byRole = (accounts: readonly DemoAccount[], role: DemoAccount['role']) => accounts.filter((a) => a.role === role);

function one(accounts: readonly DemoAccount[], role: DemoAccount['role']): DemoAccount {
  const account = byRole(accounts, role)[0];
  if (!account) throw new Error(`the demo needs a ${role} user`);
  return account;
}

/** Who does what: collectors patrol streets round-robin, one handler per department. */
export function makeCrew(accounts: readonly DemoAccount[], district: DemoDistrict): Crew {
  const collectors = byRole(accounts, 'collector');
  if (collectors.length === 0) throw new Error('the demo needs at least one collector');
  const streetIndex = new Map(district.streets.map((s) => [s.code, s.index]));
  const handlers = new Map(byRole(accounts, 'handler').map((h) => [h.departmentId ?? '', h]));
  return {
    operators: byRole(accounts, 'operator'),
    shiftLead: one(accounts, 'shift_lead'),
    dispatcher: one(accounts, 'dispatcher'),
    leader: one(accounts, 'leader'),
    collectorOf: (streetCode) => collectors[(streetIndex.get(streetCode) ?? 0) % collectors.length] as DemoAccount,
    handlerOf: (departmentId) => {
      const handler = handlers.get(departmentId);
      if (!handler) throw new Error(`the demo has no handler for department ${departmentId}`);
      return handler;
    },
  };
}

const REPORTERS = ['王先生', '李女士', '张先生', '刘女士', '陈先生', '杨女士', '市民'];

function reportKit(deps: HistoryDeps, crew: Crew): ScriptKit {
  const fallback = CASE_CATEGORIES.filter((c) => c.kind === 'matter');
  const handlerDepartments = [...new Set(byRole(deps.accounts, 'handler').map((h) => h.departmentId ?? ''))].sort();
  return {
    calendar: deps.calendar,
    crew,
    report(plan) {
      const r = plan.random;
      const pool = plan.category.kind === 'component' ? deps.components.get(plan.category.code) : undefined;
      const component = pool && pool.length > 0 ? r.pick(pool) : undefined;
      const category: CaseCategory = plan.category.kind === 'matter' || component ? plan.category : r.pick(fallback);
      const grid = component?.grid ?? r.pick(deps.district.grids);
      const [lon, lat] = component ? [component.lon, component.lat] : pointIn(grid, r);
      const address = `${r.pick(ROADS)}${r.int(1, 300)}号附近`;
      const said = r.pick(category.says).replace('{addr}', address);
      const prefix = plan.source === 'video' ? '视频巡查发现：' : plan.source === 'leader' ? '领导交办：' : '';
      const reporter =
        plan.source === 'hotline' || plan.source === 'public'
          ? { name: r.pick(REPORTERS), phone: `1${r.int(30, 89)}****${String(r.int(0, 9999)).padStart(4, '0')}` }
          : undefined;
      const input = {
        ...(plan.source === 'collector' ? { clientReportId: `demo-${plan.index + 1}` } : {}),
        source: plan.source,
        category: { kind: category.kind, code: category.code },
        location: { lon, lat, address },
        description: `${prefix}${said}`,
        ...(component ? { componentId: component.id } : {}),
        ...(reporter ? { reporter } : {}),
      };
      return { input, category, streetCode: grid.streetCode };
    },
    departmentOf(state: CaseState) {
      const ref = state.categoryRef;
      const gridCode = state.gridCode;
      if (!ref || !gridCode) throw new Error(`case ${state.caseId} has no category or grid to dispatch by`);
      const id = findResponsibleDepartment(deps.db, { kind: ref.kind, code: ref.code, gridCode });
      if (!id) throw new Error(`no responsible department for ${ref.kind}/${ref.code} in grid ${gridCode}`);
      return id;
    },
    otherDepartment(departmentId, plan) {
      return plan.random.pick(handlerDepartments.filter((d) => d !== departmentId));
    },
  };
}

interface Entry {
  at: number;
  order: number;
  run: CaseRun;
  script: Script;
  action: Action;
  caseId: string | null;
}

/** A binary min-heap on (at, order): the next action of all cases, in time order. */
class ActionQueue {
  readonly #items: Entry[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(entry: Entry): void {
    const items = this.#items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Entry, items[parent] as Entry)) break;
      [items[i], items[parent]] = [items[parent] as Entry, items[i] as Entry];
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l] as Entry, items[m] as Entry)) m = l;
        if (r < items.length && before(items[r] as Entry, items[m] as Entry)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Entry, items[i] as Entry];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.order < b.order);

function describe(action: Action): string {
  if (action.kind === 'run') return action.command;
  return action.kind === 'report' ? 'report' : `requestAndDecide(${action.op})`;
}

/**
 * Writes the history: every case's script runs through IntakeService.report and WorkflowService.run, all cases
 * interleaved in time order with the node's clock set to each action's instant, so every case is a valid event log
 * and the clocks, case numbers and audit chain read as if it had happened. One transaction: all or nothing.
 */
export function writeHistory(deps: HistoryDeps, plans: readonly CasePlan[], endAt: number): HistoryResult {
  const crew = makeCrew(deps.accounts, deps.district);
  const kit = reportKit(deps, crew);
  const queue = new ActionQueue();
  const result: HistoryResult = { cases: plans.length, actions: 0, running: 0, failures: [] };
  const schedule = (entry: Omit<Entry, 'at' | 'action'>, next: IteratorResult<Action, void>) => {
    if (next.done) return;
    if (next.value.at > endAt) result.running++;
    else queue.push({ ...entry, at: next.value.at, action: next.value });
  };
  for (const plan of plans) {
    const run = new CaseRun(plan, kit);
    const script = run.script();
    schedule({ order: plan.index, run, script, caseId: null }, script.next());
  }
  deps.db.$client.transaction(() => {
    for (let entry = queue.pop(); entry; entry = queue.pop()) {
      deps.clock.hold(entry.at);
      let state: CaseState;
      try {
        state = execute(deps, entry);
      } catch (error) {
        if (!(error instanceof DomainError || error instanceof ValidationError)) throw error;
        const plan = entry.run.plan;
        result.failures.push({
          caseIndex: plan.index,
          outcome: plan.outcome,
          action: describe(entry.action),
          message: error.message,
        });
        continue;
      }
      result.actions++;
      if (state.status === entry.run.plan.stopAt) continue;
      schedule({ ...entry, caseId: state.caseId }, entry.script.next(state));
    }
  })();
  return result;
}

function execute(deps: HistoryDeps, entry: Entry): CaseState {
  const { action } = entry;
  const ctx = { principal: action.by.principal, ip: null };
  if (action.kind === 'report') return deps.services.intake.report(ctx, action.input).state;
  if (!entry.caseId) throw new Error(`demo case ${entry.run.plan.index}: ${describe(action)} before the report`);
  if (action.kind === 'run') return deps.services.workflow.run(ctx, entry.caseId, action.command, action.input);
  return deps.services.workflow.requestAndDecide(ctx, entry.caseId, action.op, action.reason);
}
