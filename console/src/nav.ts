import type { Permission } from '../../edge/auth/permissions.js';
import { may } from './actions.js';
import type { MessageKey } from './messages.js';
import type { Role } from './types.js';

/** The work queues each position lives in (DOMAIN.md §4), first = landing page. */
export const queuesByRole: Record<Role, readonly string[]> = {
  collector: ['verify', 'check'],
  operator: ['accept', 'file', 'check', 'rework', 'overdue', 'all'],
  shift_lead: ['accept', 'file', 'check', 'rework', 'close', 'approvals', 'overdue', 'provisional', 'conflicts', 'all'],
  dispatcher: ['dispatch', 'approvals', 'suspended', 'overdue', 'all'],
  handler: ['handle', 'overdue', 'all'],
  leader: ['overdue', 'approvals', 'all', 'done'],
  admin: ['all', 'overdue', 'conflicts'],
  system: ['all'],
};

export interface NavItem {
  path: string;
  label: MessageKey;
  permission: Permission;
  roles?: readonly Role[];
}

export const screens: readonly NavItem[] = [
  { path: '/report', label: 'nav.newReport', permission: 'report.create', roles: ['operator', 'shift_lead'] },
  { path: '/map', label: 'nav.map', permission: 'basedata.read' },
  {
    path: '/charts',
    label: 'nav.charts',
    permission: 'case.read',
    roles: ['operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  },
  { path: '/vehicles', label: 'nav.vehicles', permission: 'vehicle.read' },
  { path: '/video', label: 'nav.video', permission: 'video.view' },
  { path: '/health', label: 'nav.health', permission: 'sync.read' },
];

export function screensFor(role: Role): NavItem[] {
  return screens.filter((s) => may(role, s.permission) && (!s.roles || s.roles.includes(role)));
}

export function landingPath(role: Role): string {
  return `/queues/${queuesByRole[role][0] ?? 'all'}`;
}
