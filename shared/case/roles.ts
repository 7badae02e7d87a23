import { z } from 'zod';

/** Positions (岗位) of DOMAIN.md §4, plus `system` for automatic steps (clock sweeps, imports). */
export const roles = [
  'collector', // 信息采集员 / 监督员
  'operator', // 受理员 / 坐席员
  'shift_lead', // 值班长
  'dispatcher', // 派遣员
  'handler', // 专业部门处置人员
  'leader', // 领导
  'admin', // 系统管理员 / 运维
  'system',
] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });
