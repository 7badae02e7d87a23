import type { Role } from '../../shared/case/roles.js';
import type { AuthService, Principal } from '../auth/auth.service.js';
import type { DemoDepartment } from './departments.js';

/** The password of every demo user. It is printed at start: a demo binds to 127.0.0.1 unless told otherwise. */
export const DEMO_PASSWORD = 'wanmi-demo-2026';

export interface DemoUserSpec {
  username: string;
  displayName: string;
  role: Exclude<Role, 'system'>;
  departmentId: string | null;
}

/** A created demo user: the principal the seeder acts as. */
export interface DemoAccount extends DemoUserSpec {
  principal: Principal;
}

const COLLECTOR_NAMES = ['王磊', '李娜', '张伟', '刘洋', '陈静', '杨帆'];

/**
 * One user per position, a few collectors and operators, and one handler per department that receives cases
 * (`handlerDepartments`), all with DEMO_PASSWORD.
 */
export function demoUserSpecs(collectors: number, handlerDepartments: readonly DemoDepartment[]): DemoUserSpec[] {
  const specs: DemoUserSpec[] = [
    { username: 'admin', displayName: '系统管理员', role: 'admin', departmentId: null },
    { username: 'leader', displayName: '分管领导 周建国', role: 'leader', departmentId: null },
    { username: 'shiftlead', displayName: '值班长 吴敏', role: 'shift_lead', departmentId: null },
    { username: 'dispatcher', displayName: '派遣员 孙丽', role: 'dispatcher', departmentId: null },
    { username: 'operator1', displayName: '受理员 赵倩', role: 'operator', departmentId: null },
    { username: 'operator2', displayName: '受理员 钱坤', role: 'operator', departmentId: null },
  ];
  for (let i = 0; i < collectors; i++) {
    specs.push({
      username: `collector${i + 1}`,
      displayName: `监督员 ${COLLECTOR_NAMES[i % COLLECTOR_NAMES.length] ?? ''}`,
      role: 'collector',
      departmentId: null,
    });
  }
  for (const d of handlerDepartments) {
    specs.push({ username: `h-${d.id}`, displayName: `处置员 ${d.name}`, role: 'handler', departmentId: d.id });
  }
  return specs;
}

/** Creates the users through the auth service; scrypt runs on libuv's pool, so the hashes overlap. */
export async function createDemoUsers(auth: AuthService, specs: readonly DemoUserSpec[]): Promise<DemoAccount[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const user = await auth.createUser({ ...spec, password: DEMO_PASSWORD });
      const principal: Principal = {
        userId: user.id,
        username: spec.username,
        displayName: spec.displayName,
        role: spec.role,
        departmentId: spec.departmentId,
        via: 'session',
        csrfToken: null,
      };
      return { ...spec, principal };
    }),
  );
}
