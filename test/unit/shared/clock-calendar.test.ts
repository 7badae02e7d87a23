import { describe, expect, it } from 'vitest';
import {
  cnNationalSchedule2026,
  holidayName,
  isWorkingDay,
  localDateOf,
  parseWorkingCalendar,
  workingDayLengthMs,
  workingIntervalsOfDay,
} from '../../../shared/clock/index.js';
import { ValidationError } from '../../../shared/validation.js';

const cal2026 = parseWorkingCalendar({ years: { '2026': cnNationalSchedule2026 } });
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

function rejection(input: unknown): { field: string; rule: string } {
  try {
    parseWorkingCalendar(input);
  } catch (err) {
    if (err instanceof ValidationError) return { field: err.field, rule: err.rule };
    throw err;
  }
  throw new Error('calendar was accepted');
}

describe('working calendar defaults', () => {
  it('defaults to China time, 08:00–12:00 and 14:00–18:00, Saturday and Sunday off', () => {
    const cal = parseWorkingCalendar({});
    expect(cal.utcOffsetMinutes).toBe(480);
    expect(cal.workingPeriods).toEqual([
      { start: '08:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ]);
    expect(cal.weekendDays).toEqual(['saturday', 'sunday']);
    expect(workingDayLengthMs(cal)).toBe(8 * 3_600_000);
  });

  it('lists the working intervals of a working day in city time, and none on a rest day', () => {
    expect(workingIntervalsOfDay(cal2026, '2026-01-05')).toEqual([
      { start: at('2026-01-05 08:00'), end: at('2026-01-05 12:00') },
      { start: at('2026-01-05 14:00'), end: at('2026-01-05 18:00') },
    ]);
    expect(workingIntervalsOfDay(cal2026, '2026-01-10')).toEqual([]);
  });

  it('reads the local date in the city offset, not UTC', () => {
    expect(localDateOf(cal2026, Date.parse('2026-01-04T23:30:00Z'))).toBe('2026-01-05');
  });
});

describe('2026 national schedule', () => {
  it('makes a 调休 Saturday and Sunday working days', () => {
    expect(isWorkingDay(cal2026, '2026-02-14')).toBe(true);
    expect(isWorkingDay(cal2026, '2026-01-04')).toBe(true);
    expect(isWorkingDay(cal2026, '2026-10-10')).toBe(true);
  });

  it('rests on every day of a holiday, weekday or not, and on plain weekends', () => {
    expect(isWorkingDay(cal2026, '2026-01-01')).toBe(false);
    expect(holidayName(cal2026, '2026-01-01')).toBe('元旦');
    expect(isWorkingDay(cal2026, '2026-02-23')).toBe(false);
    expect(isWorkingDay(cal2026, '2026-04-06')).toBe(false);
    expect(isWorkingDay(cal2026, '2026-01-10')).toBe(false);
    expect(isWorkingDay(cal2026, '2026-04-07')).toBe(true);
  });

  it('has the seven holidays and six make-up days of the notice', () => {
    const days = (cal2026.years['2026']?.holidays ?? []).map((h) => h.name);
    expect(days).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    expect(cal2026.years['2026']?.makeUpWorkdays.map((m) => m.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });
});

describe('a city edits its own calendar', () => {
  it('takes its own periods, weekend and local holidays', () => {
    const cal = parseWorkingCalendar({
      workingPeriods: [
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
      weekendDays: ['sunday'],
      years: { '2026': { holidays: [{ name: '城市日', from: '2026-03-03' }], makeUpWorkdays: [] } },
    });
    expect(workingDayLengthMs(cal)).toBe(7 * 3_600_000);
    expect(isWorkingDay(cal, '2026-01-10')).toBe(true);
    expect(isWorkingDay(cal, '2026-01-11')).toBe(false);
    expect(isWorkingDay(cal, '2026-03-03')).toBe(false);
  });

  it('rejects a date that is not YYYY-MM-DD when asked about a day', () => {
    expect(() => isWorkingDay(cal2026, '2026-13-01')).toThrow('localDate: must be a real date YYYY-MM-DD');
  });
});

describe('malformed calendars are rejected with the field and the rule', () => {
  const period = (start: string, end: string) => ({ start, end });
  const year = (y: object) => ({ years: { '2026': y } });
  it.each([
    [
      'a time without two-digit hours',
      { workingPeriods: [period('8:00', '12:00')] },
      'calendar.workingPeriods[0].start',
      'must be a time HH:MM',
    ],
    [
      'an hour past 24',
      { workingPeriods: [period('08:00', '25:00')] },
      'calendar.workingPeriods[0].end',
      'must be a time HH:MM',
    ],
    [
      'a period ending before it starts',
      { workingPeriods: [period('12:00', '08:00')] },
      'calendar.workingPeriods[0].end',
      'must be after start 12:00',
    ],
    [
      'overlapping periods',
      { workingPeriods: [period('08:00', '12:00'), period('11:00', '18:00')] },
      'calendar.workingPeriods[1].start',
      'must not overlap the previous period ending 12:00',
    ],
    ['no periods', { workingPeriods: [] }, 'calendar.workingPeriods', 'must list at least one working period'],
    [
      'an invalid date',
      year({ holidays: [{ name: '春节', from: '2026-02-30' }] }),
      'calendar.years.2026.holidays[0].from',
      'must be a real date YYYY-MM-DD',
    ],
    [
      'a holiday ending before it starts',
      year({ holidays: [{ name: '春节', from: '2026-02-20', to: '2026-02-15' }] }),
      'calendar.years.2026.holidays[0].to',
      'must not be before from 2026-02-20',
    ],
    [
      'a holiday without a name',
      year({ holidays: [{ name: ' ', from: '2026-02-20' }] }),
      'calendar.years.2026.holidays[0].name',
      'must not be empty',
    ],
    [
      'a holiday that is also a make-up day',
      year({
        holidays: [{ name: '春节', from: '2026-02-14', to: '2026-02-15' }],
        makeUpWorkdays: [{ date: '2026-02-14' }],
      }),
      'calendar.years.2026.makeUpWorkdays[0].date',
      'must not also be a holiday (春节)',
    ],
    [
      'a make-up day on a weekday',
      year({ makeUpWorkdays: [{ date: '2026-02-13' }] }),
      'calendar.years.2026.makeUpWorkdays[0].date',
      'must fall on a weekend day (friday is already a working day)',
    ],
    [
      'a date far from its year',
      year({ holidays: [{ name: '春节', from: '2062-02-15' }] }),
      'calendar.years.2026.holidays[0].from',
      'must lie within a year of 2026',
    ],
    [
      'a year key that is not a year',
      { years: { '26': {} } },
      'calendar.years.26',
      'year keys must be 4 digits, e.g. "2026"',
    ],
    ['an unknown key', { timezone: 'Asia/Shanghai' }, 'calendar', 'unknown key "timezone" is not allowed'],
    [
      'an unknown key in a holiday',
      year({ holidays: [{ name: '春节', from: '2026-02-15', days: 9 }] }),
      'calendar.years.2026.holidays[0]',
      'unknown key "days" is not allowed',
    ],
    ['an unknown weekday', { weekendDays: ['sat'] }, 'calendar.weekendDays[0]', 'must be one of sunday, monday'],
    [
      'a week without a working weekday',
      { weekendDays: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] },
      'calendar.weekendDays',
      'must leave at least one working weekday',
    ],
    [
      'an offset that is not whole minutes',
      { utcOffsetMinutes: 480.5 },
      'calendar.utcOffsetMinutes',
      'must be a whole number of minutes',
    ],
  ])('rejects %s', (_what, input, field, rule) => {
    const error = rejection(input);
    expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
  });
});
