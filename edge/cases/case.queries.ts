import type { SQL } from 'drizzle-orm';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ClockStatus, ClockThresholds, StepClock, WorkingCalendar } from '../../shared/clock/index.js';
import { clockStatus } from '../../shared/clock/index.js';
import { parseOrThrow } from '../../shared/validation.js';
import type { Principal } from '../auth/auth.service.js';
import type { EdgeDb } from '../db/open.js';
import { cases } from '../db/schema.js';
import { queueNames } from './queues.js';

export const caseListQuerySchema = z.strictObject({
  queue: z
    .enum(['all', ...queueNames, 'approvals', 'overdue', 'provisional', 'conflicts'] as [string, ...string[]], {
      error: `must be one of all, ${queueNames.join(', ')}, approvals, overdue, provisional, conflicts`,
    })
    .default('all'),
  departmentId: z.string().max(100).optional(),
  gridCode: z
    .string()
    .regex(/^\d{15}$/, { error: 'must be a 15-digit unit grid code' })
    .optional(),
  limit: z.coerce.number().int().min(1, { error: 'must be ≥ 1' }).max(200, { error: 'must be ≤ 200' }).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseListQuery = z.output<typeof caseListQuerySchema>;

export interface CaseRow {
  id: string;
  caseNumber: string | null;
  status: string;
  category: string;
  categoryKind: string | null;
  categoryCode: string | null;
  gridCode: string | null;
  departmentId: string | null;
  description: string | null;
  reportedAt: string | null;
  updatedAt: string | null;
  activeStep: string | null;
  deadline: number | null;
  urged: number;
  conflicts: number;
  provisionalPending: number;
  pendingApprovals: number;
  clock: ClockStatus | null;
}

/** Lists a queue sorted by time left; a department handler only ever sees their own department's cases. */
export function listCases(
  db: EdgeDb,
  p: Principal,
  rawQuery: unknown,
  calendar: WorkingCalendar,
  thresholds: ClockThresholds,
  now: number,
) {
  const q = parseOrThrow(caseListQuerySchema, rawQuery, 'query');
  const where: SQL[] = [];
  if ((queueNames as readonly string[]).includes(q.queue)) where.push(eq(cases.queue, q.queue));
  if (q.queue === 'approvals') where.push(gt(cases.pendingApprovals, 0));
  if (q.queue === 'overdue') where.push(lt(cases.due, now));
  if (q.queue === 'provisional') where.push(gt(cases.provisionalPending, 0));
  if (q.queue === 'conflicts') where.push(gt(cases.conflicts, 0));
  const department = p.role === 'handler' ? (p.departmentId ?? '') : q.departmentId;
  if (department !== undefined) where.push(eq(cases.departmentId, department));
  if (q.gridCode) where.push(eq(cases.gridCode, q.gridCode));
  const filter = where.length ? and(...where) : undefined;
  const rows = db
    .select({
      id: cases.id,
      caseNumber: cases.caseNumber,
      status: cases.status,
      category: cases.category,
      categoryKind: cases.categoryKind,
      categoryCode: cases.categoryCode,
      gridCode: cases.gridCode,
      departmentId: cases.departmentId,
      description: cases.description,
      reportedAt: cases.reportedAt,
      updatedAt: cases.updatedAt,
      activeStep: cases.activeStep,
      deadline: cases.deadline,
      urged: cases.urged,
      conflicts: cases.conflicts,
      provisionalPending: cases.provisionalPending,
      pendingApprovals: cases.pendingApprovals,
      // Only the running clock is read from the state document, not the whole case.
      activeClock: sql<
        string | null
      >`CASE WHEN ${cases.activeStep} IS NULL THEN NULL ELSE json_extract(${cases.state}, '$.clocks.' || ${cases.activeStep}) END`,
    })
    .from(cases)
    .where(filter)
    // (due, id) is the order of every queue index, so a page is an index range read, never a sort.
    .orderBy(asc(cases.due), asc(cases.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const total = db.select({ n: sql<number>`count(*)` }).from(cases).where(filter).get()?.n ?? 0;
  const items: CaseRow[] = rows.map(({ activeClock, ...r }) => ({
    ...r,
    clock: activeClock ? clockStatus(calendar, JSON.parse(activeClock) as StepClock, now, thresholds) : null,
  }));
  return { items, total, limit: q.limit, offset: q.offset };
}
