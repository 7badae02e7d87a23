import { type Permission, permissions } from '../../edge/auth/permissions.js';
import type { CaseState, Role, User } from './types.js';

/** A step the console offers on a case: the API action path, its permission, and the statuses it applies to. */
export interface ActionSpec {
  path: string;
  permission: Permission;
  statuses: readonly string[];
  /** Extra condition beyond status and role (e.g. only the assigned collector records a check). */
  when?: (c: CaseState, user: User) => boolean;
}

const intake = ['reported', 'accepted', 'verifying', 'verified'];
const filedOpen = ['filed', 'dispatched', 'handling', 'handled', 'checking', 'check_failed', 'checked'];
const ownDepartment = (c: CaseState, u: User) => u.role !== 'handler' || c.departmentId === u.departmentId;
const assigned = (c: CaseState, u: User) => c.assignedCollector === u.id;

/** Special operations each status allows (mirrors the fold's rules in shared/case/apply.ts). */
export const opAllowedIn: Record<string, readonly string[]> = {
  return: ['dispatched', 'handling'],
  extension: ['dispatched', 'handling'],
  postpone: ['filed', 'dispatched', 'handling'],
  void: [...intake, ...filedOpen, 'postponed', 'ledgered'],
  ledger: ['filed', 'dispatched', 'handling', 'check_failed'],
};

/** Which special operations a role may ask for (a department asks to return or extend; the desk voids). */
export const opsByRole: Partial<Record<Role, readonly string[]>> = {
  handler: ['return', 'extension', 'postpone'],
  operator: ['void'],
  shift_lead: ['void', 'ledger', 'postpone'],
  dispatcher: ['postpone', 'ledger', 'void'],
};

export const actionSpecs: readonly ActionSpec[] = [
  { path: 'accept', permission: 'case.accept', statuses: ['reported'] },
  { path: 'verification-request', permission: 'case.verify.request', statuses: ['reported', 'accepted'] },
  { path: 'verification', permission: 'case.verify.record', statuses: ['verifying'], when: assigned },
  { path: 'file', permission: 'case.file', statuses: ['reported', 'accepted', 'verified'] },
  { path: 'reject', permission: 'case.reject', statuses: ['reported', 'accepted', 'verified'] },
  { path: 'dispatch', permission: 'case.dispatch', statuses: ['filed'] },
  { path: 'sign', permission: 'case.sign', statuses: ['dispatched'], when: ownDepartment },
  { path: 'feedback', permission: 'case.feedback', statuses: ['handling'], when: ownDepartment },
  { path: 'check-request', permission: 'case.check.request', statuses: ['handled'] },
  { path: 'check', permission: 'case.check.record', statuses: ['checking'], when: assigned },
  { path: 'rework', permission: 'case.rework', statuses: ['check_failed'] },
  { path: 'close', permission: 'case.close', statuses: ['checked'] },
  {
    path: 'special-decisions',
    permission: 'case.special.decide',
    statuses: [...intake, ...filedOpen, 'postponed', 'ledgered'],
    when: (c) => c.specialOps.some((r) => r.decision === null),
  },
  {
    path: 'special-requests',
    permission: 'case.special.request',
    statuses: [...intake, ...filedOpen, 'postponed', 'ledgered'],
    when: (c, u) => ownDepartment(c, u) && requestableOps(c, u.role).length > 0,
  },
  { path: 'resume', permission: 'case.resume', statuses: ['postponed'] },
  { path: 'restore', permission: 'case.resume', statuses: ['ledgered'] },
  { path: 'urge', permission: 'case.urge', statuses: [...intake, ...filedOpen, 'postponed'] },
];

export function may(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

export function requestableOps(c: CaseState, role: Role): string[] {
  const pending = new Set(c.specialOps.filter((r) => r.decision === null).map((r) => r.op));
  return (opsByRole[role] ?? []).filter((op) => opAllowedIn[op]?.includes(c.status) && !pending.has(op));
}

/** The actions the user may take on the case now. */
export function availableActions(c: CaseState, user: User): ActionSpec[] {
  return actionSpecs.filter(
    (a) => a.statuses.includes(c.status) && may(user.role, a.permission) && (a.when?.(c, user) ?? true),
  );
}
