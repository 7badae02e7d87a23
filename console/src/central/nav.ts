import { centralAccess, stepRoles } from '../../../central/auth/permissions.js';
import type { MessageKey } from '../messages.js';
import type { Role } from '../types.js';

/** The city's screens (central's console) and who sees them: the same role table central's API enforces. */
export interface CityScreen {
  path: string;
  label: MessageKey;
  roles: readonly Role[];
}

const readers = centralAccess['case.read'];
export const cityScreens: readonly CityScreen[] = [
  { path: '/city/districts', label: 'city.nav.districts', roles: centralAccess['district.read'] },
  { path: '/city/cases', label: 'city.nav.cases', roles: readers },
  // The city's own steps as queues: reports to accept, checked cases to close.
  { path: '/city/cases?status=reported', label: 'queue.accept', roles: stepRoles.accept },
  { path: '/city/cases?status=checked', label: 'queue.close', roles: stepRoles.close },
  { path: '/city/cases?overdue=true', label: 'city.nav.overdue', roles: readers },
  { path: '/city/cases?conflicts=true', label: 'city.nav.conflicts', roles: readers },
  { path: '/city/provisional', label: 'city.nav.provisional', roles: readers },
  { path: '/city/file', label: 'city.nav.file', roles: centralAccess['case.file_for_district'] },
];

export function cityScreensFor(role: Role): CityScreen[] {
  return cityScreens.filter((s) => s.roles.includes(role));
}

export function cityLanding(role: Role): string {
  return cityScreensFor(role)[0]?.path ?? '/city/none';
}

/** A city-owned step the console offers on a case (central/http/supervision.routes.ts, `POST /cases/:id/:step`). */
export interface CityAction {
  path: keyof typeof stepRoles;
  statuses: readonly string[];
}

const intake = ['reported', 'accepted', 'verifying', 'verified'];
const filedOpen = ['filed', 'dispatched', 'handling', 'handled', 'checking', 'check_failed', 'checked'];

/** Statuses each step applies in (mirrors the fold's rules in shared/case/apply.ts); roles from central. */
export const cityActions: readonly CityAction[] = [
  { path: 'accept', statuses: ['reported'] },
  { path: 'verification-request', statuses: ['reported', 'accepted'] },
  { path: 'verification', statuses: ['verifying'] },
  { path: 'file', statuses: ['reported', 'accepted', 'verified'] },
  { path: 'reject', statuses: ['reported', 'accepted', 'verified'] },
  { path: 'check-request', statuses: ['handled'] },
  { path: 'check', statuses: ['checking'] },
  { path: 'rework', statuses: ['check_failed'] },
  { path: 'close', statuses: ['checked'] },
  { path: 'void', statuses: [...intake, ...filedOpen, 'postponed', 'ledgered'] },
  { path: 'urge', statuses: [...intake, ...filedOpen, 'postponed'] },
];

export function cityActionsFor(status: string, role: Role): CityAction[] {
  return cityActions.filter((a) => a.statuses.includes(status) && stepRoles[a.path].includes(role));
}

/** Confirming or overruling a district's provisional decision (确认/否决). */
export function mayDecideProvisional(role: Role): boolean {
  return stepRoles.confirm.includes(role) && stepRoles.overrule.includes(role);
}
