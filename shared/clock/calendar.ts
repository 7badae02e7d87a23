import { ValidationError } from '../validation.js';
import type { WorkingCalendar } from './calendar.schema.js';
import {
  formatLocalDate,
  MS_PER_DAY,
  MS_PER_MINUTE,
  parseClockTime,
  parseLocalDate,
  weekdayNames,
  weekdayOf,
} from './dates.js';

/** Lookup tables derived once per calendar object, so deadline loops cost a Map lookup per day. */
export interface CalendarIndex {
  offsetMs: number;
  /** Working periods as [start, end) ms after local midnight, in order. */
  periods: readonly (readonly [number, number])[];
  dayLengthMs: number;
  weekendByWeekday: readonly boolean[];
  holidays: ReadonlyMap<number, string>;
  makeUpDays: ReadonlySet<number>;
  /** Last day number named by a holiday or make-up entry; after it only the weekly pattern applies. */
  lastListedDay: number;
  hasWorkingWeekday: boolean;
}

const indexes = new WeakMap<WorkingCalendar, CalendarIndex>();

/** The cached index of a calendar; rejects hand-built calendars that would make deadline loops endless. */
export function calendarIndex(cal: WorkingCalendar): CalendarIndex {
  const cached = indexes.get(cal);
  if (cached) return cached;
  const periods = cal.workingPeriods.map((p) => {
    const start = parseClockTime(p.start);
    const end = parseClockTime(p.end);
    if (start === null || end === null || end <= start) {
      throw new ValidationError('calendar.workingPeriods', 'must be valid HH:MM periods; parse the calendar first');
    }
    return [start * MS_PER_MINUTE, end * MS_PER_MINUTE] as const;
  });
  const dayLengthMs = periods.reduce((sum, [s, e]) => sum + (e - s), 0);
  if (dayLengthMs <= 0) throw new ValidationError('calendar.workingPeriods', 'must list at least one working period');
  const weekendByWeekday = weekdayNames.map((d) => cal.weekendDays.includes(d));
  const holidays = new Map<number, string>();
  const makeUpDays = new Set<number>();
  let lastListedDay = Number.NEGATIVE_INFINITY;
  for (const schedule of Object.values(cal.years)) {
    for (const h of schedule.holidays) {
      const from = parseLocalDate(h.from);
      const to = h.to === undefined ? from : parseLocalDate(h.to);
      if (from === null || to === null) continue;
      for (let d = from; d <= to; d++) holidays.set(d, h.name);
      lastListedDay = Math.max(lastListedDay, to);
    }
    for (const m of schedule.makeUpWorkdays) {
      const day = parseLocalDate(m.date);
      if (day === null) continue;
      makeUpDays.add(day);
      lastListedDay = Math.max(lastListedDay, day);
    }
  }
  const index: CalendarIndex = {
    offsetMs: cal.utcOffsetMinutes * MS_PER_MINUTE,
    periods,
    dayLengthMs,
    weekendByWeekday,
    holidays,
    makeUpDays,
    lastListedDay,
    hasWorkingWeekday: weekendByWeekday.includes(false),
  };
  indexes.set(cal, index);
  return index;
}

/** Local day number containing an instant. */
export function dayOfInstant(ix: CalendarIndex, epochMs: number): number {
  return Math.floor((epochMs + ix.offsetMs) / MS_PER_DAY);
}

/** Epoch ms of local midnight starting a day. */
export function dayStartMs(ix: CalendarIndex, day: number): number {
  return day * MS_PER_DAY - ix.offsetMs;
}

/** A make-up day works even on a weekend; a holiday rests even on a weekday; otherwise the weekly pattern. */
export function isWorkingDayNumber(ix: CalendarIndex, day: number): boolean {
  if (ix.makeUpDays.has(day)) return true;
  if (ix.holidays.has(day)) return false;
  return !ix.weekendByWeekday[weekdayOf(day)];
}

/** The first working day on or after `day`; throws instead of looping forever when none can follow. */
export function nextWorkingDay(ix: CalendarIndex, day: number): number {
  for (let d = day; ; d++) {
    if (isWorkingDayNumber(ix, d)) return d;
    // Past the listed dates only the weekly pattern is left; without a working weekday nothing ever works again.
    if (d > ix.lastListedDay && !ix.hasWorkingWeekday) {
      throw new ValidationError('calendar.weekendDays', `leaves no working day on or after ${formatLocalDate(day)}`);
    }
  }
}

function dayNumberOf(localDate: string): number {
  const day = parseLocalDate(localDate);
  if (day === null) throw new ValidationError('localDate', 'must be a real date YYYY-MM-DD');
  return day;
}

/** Whether a local date (`YYYY-MM-DD`) is a working day in this calendar. */
export function isWorkingDay(cal: WorkingCalendar, localDate: string): boolean {
  return isWorkingDayNumber(calendarIndex(cal), dayNumberOf(localDate));
}

/** The holiday name of a local date, or null when it is not a listed holiday. */
export function holidayName(cal: WorkingCalendar, localDate: string): string | null {
  return calendarIndex(cal).holidays.get(dayNumberOf(localDate)) ?? null;
}

/** Working intervals of a local date as epoch ms [start, end); empty on a rest day. */
export function workingIntervalsOfDay(cal: WorkingCalendar, localDate: string): { start: number; end: number }[] {
  const ix = calendarIndex(cal);
  const day = dayNumberOf(localDate);
  if (!isWorkingDayNumber(ix, day)) return [];
  const base = dayStartMs(ix, day);
  return ix.periods.map(([s, e]) => ({ start: base + s, end: base + e }));
}

/** The city-local date (`YYYY-MM-DD`) of an instant. */
export function localDateOf(cal: WorkingCalendar, epochMs: number): string {
  return formatLocalDate(dayOfInstant(calendarIndex(cal), epochMs));
}

/** Whether an instant lies in a working period, period ends included (where working-time deadlines may land). */
export function isWorkingInstant(cal: WorkingCalendar, epochMs: number): boolean {
  const ix = calendarIndex(cal);
  const day = dayOfInstant(ix, epochMs);
  // A period ending at 24:00 ends on the next day's midnight, so look at the previous day too.
  for (const d of [day - 1, day]) {
    if (!isWorkingDayNumber(ix, d)) continue;
    const base = dayStartMs(ix, d);
    if (ix.periods.some(([s, e]) => base + s <= epochMs && epochMs <= base + e)) return true;
  }
  return false;
}

/** Working time in one working day, in ms (8 h with the default periods). */
export function workingDayLengthMs(cal: WorkingCalendar): number {
  return calendarIndex(cal).dayLengthMs;
}
