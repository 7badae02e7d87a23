import { z } from 'zod';

/**
 * Units in which a city writes time limits (时限) in its 立案、处置和结案标准:
 * urgent_hours = 紧急工作时 (the clock runs continuously), working_hours = 工作时,
 * working_days = 工作日, calendar_days = 自然日.
 */
export const limitUnits = ['urgent_hours', 'working_hours', 'working_days', 'calendar_days'] as const;
export type LimitUnit = (typeof limitUnits)[number];

export const timeLimitSchema = z.object({
  amount: z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be greater than 0' })
    .max(10_000, { error: 'must be at most 10000' }),
  unit: z.enum(limitUnits, { error: `must be one of ${limitUnits.join(', ')}` }),
});
export type TimeLimit = z.infer<typeof timeLimitSchema>;

/** The steps of the case loop that run a clock (DOMAIN.md §2, §6: every step has its own limit). */
export const clockSteps = ['accept', 'verify', 'file', 'dispatch', 'handle', 'check', 'close'] as const;
export type ClockStep = (typeof clockSteps)[number];

/**
 * One running or finished step clock, as folded from a case's events. Times are epoch milliseconds.
 * `suspensions` are 缓办/挂账 intervals (to = null while still suspended); `extensions` are approved 延期
 * amounts added to the limit in order.
 */
export interface StepClock {
  step: ClockStep;
  startedAt: number;
  limit: TimeLimit;
  extensions: TimeLimit[];
  suspensions: { from: number; to: number | null }[];
  stoppedAt: number | null;
}

export type TrafficLight = 'green' | 'yellow' | 'red';
