import type { Role } from '../../shared/case/roles.js';
import type { EdgeDb } from '../db/open.js';
import { DEMO_PASSWORD } from '../demo/users.js';

const ROLE_NAMES: Record<Exclude<Role, 'system'>, string> = {
  admin: 'administrator 系统管理员',
  leader: 'leader 领导',
  shift_lead: 'shift lead 值班长',
  dispatcher: 'dispatcher 派遣员',
  operator: 'operator 受理员',
  collector: 'collector 监督员',
  handler: 'department handler 处置人员',
};

/** The demo logins of a seeded data dir, one block per role, read from its users table. */
export function demoLoginLines(db: EdgeDb): string[] {
  const rows = db.$client
    .prepare('SELECT username, role, department_id AS dept FROM users WHERE disabled = 0 ORDER BY role, username')
    .all() as { username: string; role: Exclude<Role, 'system'>; dept: string | null }[];
  const lines = [`demo logins (every demo user's password is "${DEMO_PASSWORD}"):`];
  for (const role of Object.keys(ROLE_NAMES) as (keyof typeof ROLE_NAMES)[]) {
    const names = rows.filter((r) => r.role === role).map((r) => r.username);
    if (names.length === 0) continue;
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length} in all)` : names.join(', ');
    lines.push(`  ${ROLE_NAMES[role]}: ${shown}`);
  }
  return lines;
}
