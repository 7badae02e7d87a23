/**
 * Case statuses grouped into categories (the FixMyStreet habit): callers ask `isOpen(c)`, never lists of statuses.
 */
export const statusCategory = {
  none: 'none', // no valid report yet: only conflicts
  reported: 'intake', // 上报
  accepted: 'intake', // 受理
  verifying: 'intake', // 核实中
  verified: 'intake', // 已核实
  filed: 'open', // 已立案, waiting for dispatch
  dispatched: 'open', // 已派遣, waiting for the department to sign
  handling: 'open', // 处置中
  handled: 'open', // 已反馈, waiting for check
  checking: 'open', // 核查中
  check_failed: 'open', // 核查不通过, waiting for rework
  checked: 'open', // 核查通过, waiting for close
  postponed: 'suspended', // 缓办: clocks stopped
  ledgered: 'suspended', // 挂账: clocks stopped, excluded from overdue
  closed: 'closed', // 结案
  rejected: 'rejected', // 不予立案 / 注销
  voided: 'voided', // 作废
} as const;

export type CaseStatus = keyof typeof statusCategory;
export type StatusCategory = (typeof statusCategory)[CaseStatus];
export const caseStatuses = Object.keys(statusCategory) as CaseStatus[];

export function categoryOf(status: CaseStatus): StatusCategory {
  return statusCategory[status];
}

/** Still needs work by someone (intake, open or suspended). */
export function isOpen(c: { status: CaseStatus }): boolean {
  const cat = statusCategory[c.status];
  return cat === 'intake' || cat === 'open' || cat === 'suspended';
}

/** Reached an end (closed, rejected or voided); no further steps apply. */
export function isTerminal(c: { status: CaseStatus }): boolean {
  const cat = statusCategory[c.status];
  return cat === 'closed' || cat === 'rejected' || cat === 'voided';
}

/** Filed (立案) and not ended: the cases the command side works on. */
export function isFiledOpen(c: { status: CaseStatus }): boolean {
  const cat = statusCategory[c.status];
  return cat === 'open' || cat === 'suspended';
}

/** Counts toward overdue statistics: suspended (缓办/挂账) cases are excluded (DOMAIN.md §6). */
export function countsForOverdue(c: { status: CaseStatus }): boolean {
  return statusCategory[c.status] === 'open' || statusCategory[c.status] === 'intake';
}
