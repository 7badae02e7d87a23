import { ValidationError } from '../validation.js';
import { calendarIndex, dayOfInstant, dayStartMs, isWorkingDayNumber, nextWorkingDay } from './calendar.js';
import type { WorkingCalendar } from './calendar.schema.js';
import { MS_PER_DAY } from './dates.js';

// Non-finite inputs would turn the day loops below into endless ones, so they are rejected up front.
function requireFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw new ValidationError(field, 'must be a finite number');
}

/** Working time (ms) inside working periods of working days between two instants; 0 when `to <= from`. */
export function workingTimeBetween(cal: WorkingCalendar, from: number, to: number): number {
  requireFinite('from', from);
  requireFinite('to', to);
  if (to <= from) return 0;
  const ix = calendarIndex(cal);
  let total = 0;
  const lastDay = dayOfInstant(ix, to);
  for (let day = dayOfInstant(ix, from); day <= lastDay; day++) {
    if (!isWorkingDayNumber(ix, day)) continue;
    const base = dayStartMs(ix, day);
    if (from <= base && base + MS_PER_DAY <= to) {
      total += ix.dayLengthMs; // a whole day inside the range: no need to look at its periods
      continue;
    }
    for (const [s, e] of ix.periods) {
      const overlap = Math.min(to, base + e) - Math.max(from, base + s);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/**
 * The instant at which `amountMs` of working time has passed since `from`. Counting starts at the next working
 * period when `from` is outside working time. An amount that exactly uses up a period ends at that period's end
 * (18:00, not 08:00 the next morning), so the result is always inside a working period or at its end.
 */
export function addWorkingTime(cal: WorkingCalendar, from: number, amountMs: number): number {
  requireFinite('from', from);
  requireFinite('amountMs', amountMs);
  if (amountMs < 0) throw new ValidationError('amountMs', 'must not be negative');
  const ix = calendarIndex(cal);
  const firstPeriodStart = ix.periods[0]?.[0] ?? 0;
  let remaining = amountMs;
  const t = from;
  let day = dayOfInstant(ix, from);
  for (;;) {
    day = nextWorkingDay(ix, day);
    const base = dayStartMs(ix, day);
    // Skip whole working days while more than a day is left; `>` keeps the last day so it can end at 18:00.
    if (t <= base + firstPeriodStart && remaining > ix.dayLengthMs) {
      remaining -= ix.dayLengthMs;
      day++;
      continue;
    }
    for (const [s, e] of ix.periods) {
      const start = Math.max(t, base + s);
      const end = base + e;
      if (start >= end) continue;
      if (remaining <= end - start) return start + remaining;
      remaining -= end - start;
    }
    day++;
  }
}
