import type { Role } from '../../shared/case/roles.js';

/**
 * Every action a route or CLI command can perform, with the positions allowed to perform it (DOMAIN.md §4).
 * `public` routes need no login; every other route names one of these actions.
 */
export const permissions = {
  'case.read': ['collector', 'operator', 'shift_lead', 'dispatcher', 'handler', 'leader', 'admin'],
  'report.create': ['collector', 'operator', 'shift_lead'],
  'photo.upload': ['collector', 'operator', 'shift_lead', 'handler'],
  'case.accept': ['operator', 'shift_lead'],
  'case.verify.request': ['operator', 'shift_lead'],
  'case.verify.record': ['collector'],
  'case.file': ['operator', 'shift_lead'],
  'case.reject': ['operator', 'shift_lead'],
  'case.dispatch': ['dispatcher'],
  'case.sign': ['handler'],
  'case.feedback': ['handler'],
  'case.check.request': ['operator', 'shift_lead'],
  'case.check.record': ['collector'],
  'case.rework': ['operator', 'shift_lead'],
  'case.close': ['shift_lead'],
  'case.special.request': ['handler', 'operator', 'shift_lead', 'dispatcher'],
  'case.special.decide': ['dispatcher', 'shift_lead'],
  'case.resume': ['dispatcher'],
  'case.urge': ['leader', 'shift_lead', 'dispatcher'],
  'ledger.read': ['shift_lead', 'dispatcher', 'leader', 'admin'],
  'basedata.read': ['collector', 'operator', 'shift_lead', 'dispatcher', 'handler', 'leader', 'admin'],
  'basedata.import': ['admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin', 'leader'],
  'metrics.read': ['admin'],
  'vehicle.read': ['operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  'device.manage': ['admin'],
  'candidate.read': ['operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  'candidate.decide': ['operator', 'shift_lead'],
  'video.view': ['operator', 'shift_lead', 'dispatcher', 'leader', 'admin'],
  'camera.manage': ['admin'],
  'sync.read': ['shift_lead', 'dispatcher', 'leader', 'admin'],
  'session.self': ['collector', 'operator', 'shift_lead', 'dispatcher', 'handler', 'leader', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;
export type RouteAccess = Permission | 'public';

export function allowed(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
