import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { domainOf, isOwner } from '../../shared/case/authority.js';
import type { CaseEventType, SpecialOp } from '../../shared/case/events.js';
import { specialOps } from '../../shared/case/events.js';
import type { CaseState } from '../../shared/case/state.js';
import type { TimeLimit } from '../../shared/clock/types.js';
import { timeLimitSchema } from '../../shared/clock/types.js';
import type { CategoryDirectory } from '../../shared/codes/index.js';
import { formatCaseNumber, localDateKey } from '../../shared/identity/case-number.js';
import { parseOrThrow } from '../../shared/validation.js';
import type { Principal } from '../auth/auth.service.js';
import type { Permission } from '../auth/permissions.js';
import { allowed } from '../auth/permissions.js';
import { findResponsibleDepartment } from '../basedata/index.js';
import type { EdgeConfig } from '../config/edge-config.js';
import type { EdgeDb } from '../db/open.js';
import { caseCounters, components, departments, grids, standards } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { CaseStore, EventDraft } from './case.store.js';

/** What every service call carries: who, from where, and the node's collaborators. */
export interface ServiceContext {
  principal: Principal;
  ip: string | null;
}

export interface WorkflowDeps {
  db: EdgeDb;
  directory: CategoryDirectory;
  store: CaseStore;
  config: EdgeConfig;
  origin: string;
  now: () => number;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex sha256 of an uploaded photo' });
const note = z.string().trim().max(2000, { error: 'at most 2000 characters' }).optional();
const reason = z.string().trim().min(1, { error: 'is required' }).max(2000, { error: 'at most 2000 characters' });
const photos = z.array(sha256).max(20, { error: 'at most 20 photos' }).default([]);

/** Inputs of the step commands (HTTP bodies and CLI arguments are validated by these). */
export const commandInputs = {
  accept: z.strictObject({ note }),
  requestVerification: z.strictObject({ collectorId: z.string().min(1, { error: 'is required' }).max(100) }),
  recordVerification: z.strictObject({
    result: z.enum(['confirmed', 'not_found'], { error: 'must be confirmed or not_found' }),
    note,
    photos,
  }),
  file: z.strictObject({
    category: z
      .strictObject({
        kind: z.enum(['component', 'matter']),
        code: z.string().regex(/^\d{5}$/, { error: 'must be a 5-digit category code' }),
      })
      .optional(),
    gridCode: z
      .string()
      .regex(/^\d{15}$/, { error: 'must be a 15-digit unit grid code' })
      .optional(),
    filingCondition: z.number().int().min(1).optional(),
    urgency: z.enum(['A', 'B', 'C']).optional(),
  }),
  reject: z.strictObject({ reason }),
  dispatch: z.strictObject({
    departmentId: z.string().min(1, { error: 'is required' }).max(100),
    limit: timeLimitSchema.optional(),
    note,
  }),
  sign: z.strictObject({ note }),
  feedback: z.strictObject({ result: reason, photos }),
  requestCheck: z.strictObject({ collectorId: z.string().min(1, { error: 'is required' }).max(100) }),
  recordCheck: z.strictObject({ passed: z.boolean({ error: 'must be true or false' }), note, photos }),
  rework: z.strictObject({ reason }),
  close: z.strictObject({ note }),
  requestSpecial: z.strictObject({
    op: z.enum(specialOps, { error: `must be one of ${specialOps.join(', ')}` }),
    reason,
    extra: timeLimitSchema.optional(),
  }),
  decideSpecial: z.strictObject({
    requestId: z.string().uuid({ error: 'must be the id of the request event' }),
    approved: z.boolean({ error: 'must be true or false' }),
    note,
    extra: timeLimitSchema.optional(),
  }),
  resume: z.strictObject({ note }),
  restore: z.strictObject({ note }),
  urge: z.strictObject({ comment: reason, level: z.enum(['normal', 'high']).default('normal') }),
} as const;

export type CommandName = keyof typeof commandInputs;

interface CommandSpec<N extends CommandName> {
  permission: Permission;
  type: CaseEventType;
  /** The acting department handler must belong to the case's department. */
  ownDepartment?: boolean;
  payload: (input: z.output<(typeof commandInputs)[N]>, c: CaseState, svc: WorkflowService) => Record<string, unknown>;
}

const specs: { [N in CommandName]: CommandSpec<N> } = {
  accept: { permission: 'case.accept', type: 'accepted', payload: (i, _c, s) => ({ ...i, limit: s.limits.file }) },
  requestVerification: {
    permission: 'case.verify.request',
    type: 'verification_requested',
    payload: (i, _c, s) => ({ ...i, limit: s.limits.verify }),
  },
  recordVerification: {
    permission: 'case.verify.record',
    type: 'verification_recorded',
    payload: (i, _c, s) => ({ ...i, limit: s.limits.file }),
  },
  file: {
    permission: 'case.file',
    type: 'filed',
    payload: (i, c, s) => ({
      ...s.checkFiling(i, c),
      caseNumber: s.allocateCaseNumber(),
      ...(i.category ? { category: i.category } : {}),
      ...(i.gridCode ? { gridCode: i.gridCode } : {}),
      ...(i.urgency ? { urgency: i.urgency } : {}),
      limit: s.limits.dispatch,
    }),
  },
  reject: { permission: 'case.reject', type: 'rejected', payload: (i) => i },
  dispatch: {
    permission: 'case.dispatch',
    type: 'dispatched',
    payload: (i, c, s) => ({
      departmentId: s.requireDepartment(i.departmentId),
      limit: i.limit ?? s.handlingLimit(c),
      ...(i.note ? { note: i.note } : {}),
    }),
  },
  sign: { permission: 'case.sign', type: 'signed', ownDepartment: true, payload: (i) => i },
  feedback: { permission: 'case.feedback', type: 'handled', ownDepartment: true, payload: (i) => i },
  requestCheck: {
    permission: 'case.check.request',
    type: 'check_requested',
    payload: (i, _c, s) => ({ ...i, limit: s.limits.check }),
  },
  recordCheck: {
    permission: 'case.check.record',
    type: 'check_recorded',
    payload: (i, _c, s) => ({ ...i, limit: s.limits.close }),
  },
  rework: { permission: 'case.rework', type: 'reworked', payload: (i, c, s) => ({ ...i, limit: s.handlingLimit(c) }) },
  close: { permission: 'case.close', type: 'closed', payload: (i) => i },
  requestSpecial: {
    permission: 'case.special.request',
    type: 'special_requested',
    ownDepartment: true,
    payload: (i) => i,
  },
  decideSpecial: { permission: 'case.special.decide', type: 'special_decided', payload: (i) => i },
  resume: { permission: 'case.resume', type: 'resumed', payload: (i) => i },
  restore: { permission: 'case.resume', type: 'restored', payload: (i) => i },
  urge: { permission: 'case.urge', type: 'urged', payload: (i) => i },
};

/** The case workflow (DOMAIN.md §2): one function per step, shared by HTTP and the CLI. */
export class WorkflowService {
  constructor(private readonly deps: WorkflowDeps) {}

  get limits(): EdgeConfig['limits'] {
    return this.deps.config.limits;
  }

  /** Runs one step command: permission, scope, input validation, then one transactional append. */
  run<N extends CommandName>(ctx: ServiceContext, caseId: string, name: N, input: unknown): CaseState {
    const spec = specs[name] as CommandSpec<N>;
    requirePermission(ctx, spec.permission);
    const current = this.deps.store.get(caseId);
    if (!current) throw new DomainError('not_found', `case ${caseId} does not exist`);
    if (spec.ownDepartment && ctx.principal.role === 'handler' && current.departmentId !== ctx.principal.departmentId) {
      throw new DomainError('forbidden', 'this case is not assigned to your department');
    }
    const parsed = parseOrThrow(commandInputs[name], input ?? {}, 'body') as z.output<(typeof commandInputs)[N]>;
    if (
      (name === 'recordVerification' || name === 'recordCheck') &&
      ctx.principal.role === 'collector' &&
      current.assignedCollector !== null &&
      current.assignedCollector !== ctx.principal.userId
    ) {
      throw new DomainError('forbidden', 'this verification/check is assigned to another collector');
    }
    if (name === 'decideSpecial')
      this.requireApprover(ctx, current, (parsed as z.output<typeof commandInputs.decideSpecial>).requestId);
    const draft: EventDraft = { type: spec.type, payload: spec.payload(parsed, current, this) };
    draft.provisional = this.needsProvisional(current, draft);
    return this.deps.store.append(caseId, [draft], { actor: actorOf(ctx), ip: ctx.ip, action: `case.${name}` });
  }

  /** Special operations decided by the requester's approver in one go (e.g. a shift lead voiding directly). */
  requestAndDecide(ctx: ServiceContext, caseId: string, op: SpecialOp, reasonText: string): CaseState {
    const state = this.run(ctx, caseId, 'requestSpecial', { op, reason: reasonText });
    const request = state.specialOps.findLast((r) => r.op === op && r.decision === null);
    if (!request) throw new DomainError('conflict', `the ${op} request was not recorded`);
    return this.run(ctx, caseId, 'decideSpecial', { requestId: request.requestId, approved: true });
  }

  /**
   * Who should handle the case (DOMAIN.md §2 step 3): a component case goes to the component's owner department
   * (主管部门, matched by credit code), otherwise the most specific row of the responsibility table.
   */
  suggestDepartment(
    ctx: ServiceContext,
    caseId: string,
  ): { departmentId: string; name: string | null; basis: 'component_owner' | 'responsibility' } | null {
    requirePermission(ctx, 'case.dispatch');
    const c = this.deps.store.get(caseId);
    if (!c) throw new DomainError('not_found', `case ${caseId} does not exist`);
    const named = (departmentId: string, basis: 'component_owner' | 'responsibility') => ({
      departmentId,
      name:
        this.deps.db.select({ name: departments.name }).from(departments).where(eq(departments.id, departmentId)).get()
          ?.name ?? null,
      basis,
    });
    if (c.componentId) {
      const owner = this.deps.db
        .select({ id: departments.id })
        .from(components)
        .innerJoin(departments, eq(departments.creditCode, components.deptCode))
        .where(eq(components.id, c.componentId))
        .get();
      if (owner) return named(owner.id, 'component_owner');
    }
    if (!c.categoryRef || !c.gridCode) return null;
    const departmentId = findResponsibleDepartment(this.deps.db, {
      kind: c.categoryRef.kind,
      code: c.categoryRef.code,
      gridCode: c.gridCode,
    });
    return departmentId ? named(departmentId, 'responsibility') : null;
  }

  /** The handling limit from the city's standards table for the case's category, else the configured default. */
  handlingLimit(c: CaseState): TimeLimit {
    if (c.categoryRef) {
      // The filing condition chosen at filing decides; else one matching the urgency; else the first condition.
      const rows = this.deps.db
        .select({
          amount: standards.limitAmount,
          unit: standards.limitUnit,
          no: standards.conditionNo,
          urgency: standards.urgency,
        })
        .from(standards)
        .where(and(eq(standards.categoryKind, c.categoryRef.kind), eq(standards.categoryCode, c.categoryRef.code)))
        .orderBy(standards.conditionNo)
        .all();
      const row =
        rows.find((r) => r.no === c.conditionNo) ??
        rows.find((r) => c.urgency !== null && r.urgency === c.urgency) ??
        rows[0];
      const parsed = row ? timeLimitSchema.safeParse(row) : undefined;
      if (parsed?.success) return parsed.data;
    }
    return this.limits.handle;
  }

  /** Filing input against the base data: a known category, an imported grid, an existing filing condition. */
  checkFiling(
    i: z.output<typeof commandInputs.file>,
    c: CaseState,
  ): { conditionNo?: number; filingCondition?: string } {
    if (i.category && !this.deps.directory.isKnown(i.category.kind, i.category.code)) {
      throw new DomainError(
        'invalid',
        `body.category: unknown ${i.category.kind} category ${i.category.code}`,
        'body.category',
      );
    }
    if (i.gridCode && !this.deps.db.select({ code: grids.code }).from(grids).where(eq(grids.code, i.gridCode)).get()) {
      throw new DomainError('invalid', `body.gridCode: no unit grid ${i.gridCode} in the base data`, 'body.gridCode');
    }
    if (i.filingCondition === undefined) return {};
    const category = i.category ?? c.categoryRef;
    const row = category
      ? this.deps.db
          .select({ text: standards.filingCondition })
          .from(standards)
          .where(
            and(
              eq(standards.categoryKind, category.kind),
              eq(standards.categoryCode, category.code),
              eq(standards.conditionNo, i.filingCondition),
            ),
          )
          .get()
      : undefined;
    if (!row)
      throw new DomainError(
        'invalid',
        `body.filingCondition: the standards table has no condition ${i.filingCondition} for this category`,
        'body.filingCondition',
      );
    return { conditionNo: i.filingCondition, filingCondition: row.text.slice(0, 500) };
  }

  /** Dispatch goes to a department of the base data (import departments first). */
  requireDepartment(departmentId: string): string {
    if (!this.deps.db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId)).get()) {
      throw new DomainError(
        'invalid',
        `body.departmentId: no department ${departmentId} in the base data`,
        'body.departmentId',
      );
    }
    return departmentId;
  }

  /** `<district division>-<yyyymmdd>-<counter>`, the counter per local date, in its own small transaction. */
  allocateCaseNumber(): string {
    const date = localDateKey(this.deps.now(), this.deps.config.calendar.utcOffsetMinutes);
    const row = this.deps.db
      .insert(caseCounters)
      .values({ date, counter: 1 })
      .onConflictDoUpdate({ target: caseCounters.date, set: { counter: sql`${caseCounters.counter} + 1` } })
      .returning({ counter: caseCounters.counter })
      .get();
    return formatCaseNumber({ division: this.deps.config.district.division, date, counter: row.counter });
  }

  /** Approving is a matter of position (DOMAIN.md §2): the wrong position gets 403, not a state conflict. */
  private requireApprover(ctx: ServiceContext, c: CaseState, requestId: string): void {
    const request = c.specialOps.find((r) => r.requestId === requestId);
    if (!request)
      throw new DomainError(
        'not_found',
        `body.requestId: no special-operation request ${requestId} on this case`,
        'body.requestId',
      );
    const approvers = this.deps.config.fold.approvers[request.op];
    if (!approvers.includes(ctx.principal.role)) {
      throw new DomainError(
        'forbidden',
        `a ${ctx.principal.role} may not decide a ${request.op} request (approvers: ${approvers.join(', ')})`,
      );
    }
  }

  private needsProvisional(c: CaseState, draft: EventDraft): boolean {
    const event = { type: draft.type, payload: draft.payload } as Parameters<typeof domainOf>[0];
    const domain = domainOf(event, (id) => c.specialOps.find((r) => r.requestId === id)?.op);
    if (isOwner(this.deps.config.fold, domain, this.deps.origin, c.district ?? '')) return false;
    if (this.deps.config.provisionalSupervision === 'never') {
      throw new DomainError(
        'forbidden',
        `${draft.type} is a step of the city (${domain}); this district is configured not to take it provisionally`,
      );
    }
    return true;
  }
}

export function requirePermission(ctx: ServiceContext, permission: Permission): void {
  if (!allowed(ctx.principal.role, permission)) {
    throw new DomainError('forbidden', `a ${ctx.principal.role} may not ${permission}`);
  }
}

export function actorOf(ctx: ServiceContext) {
  return { userId: ctx.principal.userId, role: ctx.principal.role };
}
