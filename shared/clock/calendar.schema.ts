import { z } from 'zod';
import { parseOrThrow } from '../validation.js';
import { parseClockTime, parseLocalDate, type WeekdayName, weekdayNames, weekdayOf, yearOf } from './dates.js';
import { strictObject } from './strict-object.js';

const localDate = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine((s) => parseLocalDate(s) !== null, { error: 'must be a real date YYYY-MM-DD' });

const clockTime = z
  .string({ error: 'must be a time HH:MM' })
  .refine((s) => parseClockTime(s) !== null, { error: 'must be a time HH:MM (00:00–23:59, or 24:00 as an end)' });

const name = z.string({ error: 'must be a text' }).trim().min(1, { error: 'must not be empty' });

const workingPeriodSchema = strictObject({ start: clockTime, end: clockTime });

export const defaultWorkingPeriods = [
  { start: '08:00', end: '12:00' },
  { start: '14:00', end: '18:00' },
];

const workingPeriodsSchema = z
  .array(workingPeriodSchema, { error: 'must be a list of {start, end} periods' })
  .min(1, { error: 'must list at least one working period' })
  .superRefine((periods, ctx) => {
    let previousEnd: { minutes: number; text: string } | null = null;
    for (const [i, p] of periods.entries()) {
      const start = parseClockTime(p.start);
      const end = parseClockTime(p.end);
      if (start === null || end === null) return; // already reported by the field schema
      if (end <= start) ctx.addIssue({ code: 'custom', path: [i, 'end'], message: `must be after start ${p.start}` });
      if (previousEnd && start < previousEnd.minutes) {
        const message = `must not overlap the previous period ending ${previousEnd.text} (list periods in order)`;
        ctx.addIssue({ code: 'custom', path: [i, 'start'], message });
      }
      previousEnd = { minutes: end, text: p.end };
    }
  });

const weekendDaysSchema = z
  .array(z.enum(weekdayNames, { error: `must be one of ${weekdayNames.join(', ')}` }))
  .superRefine((days, ctx) => {
    if (new Set(days).size !== days.length) ctx.addIssue({ code: 'custom', message: 'must not repeat a day' });
    if (new Set(days).size >= 7) ctx.addIssue({ code: 'custom', message: 'must leave at least one working weekday' });
  });

const holidaySchema = strictObject({ name, from: localDate, to: localDate.optional() }).superRefine((h, ctx) => {
  const from = parseLocalDate(h.from);
  const to = h.to === undefined ? from : parseLocalDate(h.to);
  if (from !== null && to !== null && to < from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from ${h.from}` });
  }
});

const makeUpWorkdaySchema = strictObject({ date: localDate, name: name.optional() });

/** One year's schedule as published in that year's notice; holiday ranges are inclusive, `to` defaults to `from`. */
export const yearScheduleSchema = strictObject({
  source: z.string({ error: 'must be a text' }).optional(),
  holidays: z.array(holidaySchema, { error: 'must be a list of holidays' }).default([]),
  makeUpWorkdays: z.array(makeUpWorkdaySchema, { error: 'must be a list of make-up working days' }).default([]),
});
export type YearScheduleInput = z.input<typeof yearScheduleSchema>;

const yearKey = z.string().regex(/^\d{4}$/);

/** A city's working calendar (DOMAIN.md §6): working periods, weekends, and per-year holidays and 调休 days. */
export const workingCalendarSchema = strictObject({
  // Fixed offset, not an IANA zone: China has no DST, and shared/ stays free of tz data.
  utcOffsetMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int({ error: 'must be a whole number of minutes' })
    .min(-720, { error: 'must be at least -720' })
    .max(840, { error: 'must be at most 840' })
    .default(480),
  workingPeriods: workingPeriodsSchema.default(defaultWorkingPeriods),
  weekendDays: weekendDaysSchema.default(['saturday', 'sunday']),
  years: z
    .record(yearKey, yearScheduleSchema, {
      error: (issue) => (issue.code === 'invalid_key' ? 'year keys must be 4 digits, e.g. "2026"' : undefined),
    })
    .default({}),
}).superRefine((cal, ctx) => {
  const weekend = new Set<WeekdayName>(cal.weekendDays);
  const holidayNames = new Map<number, string>();
  for (const [year, schedule] of Object.entries(cal.years)) {
    for (const [i, h] of schedule.holidays.entries()) {
      const from = parseLocalDate(h.from);
      const to = h.to === undefined ? from : parseLocalDate(h.to);
      if (from === null || to === null) continue;
      let outside = false;
      for (const [field, day] of [['from', from] as const, ['to', to] as const]) {
        // A notice may reach into the neighbouring year (e.g. a make-up day on Dec 31), never further.
        if (Math.abs(yearOf(day) - Number(year)) > 1) {
          outside = true;
          ctx.addIssue({
            code: 'custom',
            path: ['years', year, 'holidays', i, field],
            message: `must lie within a year of ${year}`,
          });
        }
      }
      if (outside) continue; // a typo'd year could span centuries; do not walk it day by day
      for (let d = from; d <= to; d++) holidayNames.set(d, h.name);
    }
  }
  for (const [year, schedule] of Object.entries(cal.years)) {
    for (const [i, m] of schedule.makeUpWorkdays.entries()) {
      const day = parseLocalDate(m.date);
      if (day === null) continue;
      const path = ['years', year, 'makeUpWorkdays', i, 'date'];
      const weekday = weekdayNames[weekdayOf(day)];
      const holiday = holidayNames.get(day);
      if (Math.abs(yearOf(day) - Number(year)) > 1) {
        ctx.addIssue({ code: 'custom', path, message: `must lie within a year of ${year}` });
      } else if (holiday !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `must not also be a holiday (${holiday})` });
      } else if (weekday && !weekend.has(weekday)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `must fall on a weekend day (${weekday} is already a working day)`,
        });
      }
    }
  }
});

export type WorkingCalendarInput = z.input<typeof workingCalendarSchema>;
/** A validated calendar; treat it as immutable (lookups are cached per object). */
export type WorkingCalendar = z.output<typeof workingCalendarSchema>;

/** Validates a calendar config; throws ValidationError naming the field path (under `root`) and the rule. */
export function parseWorkingCalendar(input: unknown, root = 'calendar'): WorkingCalendar {
  return parseOrThrow(workingCalendarSchema, input, root);
}
