import type { Role } from '../../shared/case/roles.js';
import type { StepName } from '../supervision/supervision.service.js';

/** Who may do what on central (the city's positions; same role names as the edge, DOMAIN.md §4). */
export const centralAccess = {
  'case.read': ['collector', 'operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  'case.file_for_district': ['operator', 'shift_lead'],
  'district.read': ['operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  'user.manage': ['admin'],
  'sync.token.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type CentralAccess = keyof typeof centralAccess;

/** City-owned steps by role: supervision (一级监督) stays with the city's operators and shift leads. */
export const stepRoles: Record<StepName, readonly Role[]> = {
  accept: ['operator', 'shift_lead'],
  'verification-request': ['operator', 'shift_lead'],
  verification: ['collector', 'operator'],
  file: ['operator', 'shift_lead'],
  reject: ['operator', 'shift_lead'],
  'check-request': ['operator', 'shift_lead'],
  check: ['collector', 'operator'],
  rework: ['operator', 'shift_lead'],
  close: ['shift_lead'],
  void: ['shift_lead'],
  urge: ['leader', 'shift_lead'],
  confirm: ['shift_lead'],
  overrule: ['shift_lead'],
};
