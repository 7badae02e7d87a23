import { parseOrThrow, ValidationError } from '../validation.js';
import { calendarIndex } from './calendar.js';
import type { WorkingCalendar } from './calendar.schema.js';
import { MS_PER_DAY, MS_PER_HOUR } from './dates.js';
import { type LimitUnit, type TimeLimit, timeLimitSchema } from './types.js';
import { addWorkingTime, workingTimeBetween } from './working-time.js';

/** How a unit measures clock time: continuously (wall clock) or only inside working periods. */
export interface ClockMeasure {
  kind: 'wall' | 'working';
  /** Clock time (ms) that passes between two instants. */
  between(from: number, to: number): number;
  /** The instant at which `amountMs` of clock time has passed since `from`. */
  advance(from: number, amountMs: number): number;
}

const wallMeasure: ClockMeasure = {
  kind: 'wall',
  between: (from, to) => Math.max(0, to - from),
  advance: (from, amountMs) => from + amountMs,
};

/** The measure of a unit: urgent_hours and calendar_days run continuously, working units only in working time. */
export function measureOf(cal: WorkingCalendar, unit: LimitUnit): ClockMeasure {
  if (unit === 'urgent_hours' || unit === 'calendar_days') return wallMeasure;
  return {
    kind: 'working',
    between: (from, to) => workingTimeBetween(cal, from, to),
    advance: (from, amountMs) => addWorkingTime(cal, from, amountMs),
  };
}

/**
 * A limit as clock-time ms in its own measure. A working day is one working day's length of working time
 * (8 h by default), so 1 working day from 10:00 Monday ends 10:00 Tuesday.
 */
export function limitMs(cal: WorkingCalendar, limit: TimeLimit): number {
  const perUnit: Record<LimitUnit, number> = {
    urgent_hours: MS_PER_HOUR,
    working_hours: MS_PER_HOUR,
    working_days: calendarIndex(cal).dayLengthMs,
    calendar_days: MS_PER_DAY,
  };
  // Whole ms keep sums exact, so used fractions compare reliably at 80 % and 100 %.
  return Math.round(limit.amount * perUnit[limit.unit]);
}

/** Validates a limit (field `root`), throwing ValidationError naming the field and rule. */
export function parseTimeLimit(input: unknown, root = 'limit'): TimeLimit {
  return parseOrThrow(timeLimitSchema, input, root);
}

/**
 * The deadline of a limit started at `startedAt` (epoch ms), with no suspensions or extensions.
 * Working units never end outside working time; see addWorkingTime for the period-end rule.
 */
export function computeDeadline(cal: WorkingCalendar, startedAt: number, limit: TimeLimit): number {
  const valid = parseTimeLimit(limit);
  if (!Number.isFinite(startedAt)) throw new ValidationError('startedAt', 'must be finite epoch milliseconds');
  return measureOf(cal, valid.unit).advance(startedAt, limitMs(cal, valid));
}
