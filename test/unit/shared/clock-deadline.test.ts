import { describe, expect, it } from 'vitest';
import {
  cnNationalSchedule2026,
  computeDeadline,
  type LimitUnit,
  parseWorkingCalendar,
  type TimeLimit,
  type WorkingCalendar,
  workingTimeBetween,
} from '../../../shared/clock/index.js';
import { ValidationError } from '../../../shared/validation.js';

const cal = parseWorkingCalendar({ years: { '2026': cnNationalSchedule2026 } });
const HOUR = 3_600_000;
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
/** City-local `YYYY-MM-DD HH:MM` of an instant, so expectations read like a wall calendar. */
const local = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
const due = (start: string, amount: number, unit: LimitUnit) =>
  local(computeDeadline(cal, at(start), { amount, unit }));

describe('working days count working time from the start instant', () => {
  it('a case dispatched at 10:00 Monday with 1 working day is due 10:00 Tuesday', () => {
    expect(due('2026-01-05 10:00', 1, 'working_days')).toBe('2026-01-06 10:00');
  });

  it('a 调休 Saturday counts as a working day', () => {
    expect(due('2026-02-13 10:00', 1, 'working_days')).toBe('2026-02-14 10:00');
  });

  it('skips the whole Spring Festival and resumes on the day after it', () => {
    expect(due('2026-02-13 10:00', 2, 'working_days')).toBe('2026-02-24 10:00');
  });

  it('skips a holiday that spans a weekend (清明 Saturday to Monday)', () => {
    expect(due('2026-04-03 10:00', 1, 'working_days')).toBe('2026-04-07 10:00');
  });

  it('crosses New Year: Dec 31 2025 plus 1 working day lands on the 调休 Sunday Jan 4', () => {
    expect(due('2025-12-31 10:00', 1, 'working_days')).toBe('2026-01-04 10:00');
    expect(due('2025-12-31 10:00', 2, 'working_days')).toBe('2026-01-05 10:00');
  });

  it('a day that exactly reaches 18:00 stays at 18:00, not the next morning', () => {
    expect(due('2026-01-05 08:00', 1, 'working_days')).toBe('2026-01-05 18:00');
  });

  it('a case started on a holiday starts counting on the next working morning', () => {
    expect(due('2026-10-03 10:00', 1, 'working_days')).toBe('2026-10-08 18:00');
  });

  it('half a working day is half the working-day length', () => {
    expect(due('2026-01-05 08:00', 0.5, 'working_days')).toBe('2026-01-05 12:00');
  });

  it('a limit of 300 working days ends after exactly 300 days of working time', () => {
    const start = at('2026-01-05 10:00');
    const deadline = computeDeadline(cal, start, { amount: 300, unit: 'working_days' });
    expect(workingTimeBetween(cal, start, deadline)).toBe(300 * 8 * HOUR);
    // Counted independently: the 300th working day after 2026-01-05 under the 2026 schedule is 2027-03-17.
    expect(local(deadline)).toBe('2027-03-17 10:00');
  });
});

describe('working hours skip the lunch break, nights and rest days', () => {
  it('3 working hours from 11:00 end at 16:00 after the lunch break', () => {
    expect(due('2026-01-05 11:00', 3, 'working_hours')).toBe('2026-01-05 16:00');
  });

  it('4 working hours from 08:00 end at 12:00, not at 14:00', () => {
    expect(due('2026-01-05 08:00', 4, 'working_hours')).toBe('2026-01-05 12:00');
  });

  it('a start during lunch counts from 14:00', () => {
    expect(due('2026-01-05 12:30', 2, 'working_hours')).toBe('2026-01-05 16:00');
  });

  it('a start at night counts from 08:00 the next working day', () => {
    expect(due('2026-01-05 21:00', 1, 'working_hours')).toBe('2026-01-06 09:00');
    expect(due('2026-01-09 18:00', 1, 'working_hours')).toBe('2026-01-12 09:00');
  });

  it('a start on a holiday counts from the first working morning after it', () => {
    expect(due('2026-01-01 09:00', 2, 'working_hours')).toBe('2026-01-04 10:00');
  });

  it('measures working time across the lunch break', () => {
    expect(workingTimeBetween(cal, at('2026-01-05 11:00'), at('2026-01-05 15:00'))).toBe(2 * HOUR);
  });
});

describe('continuous units ignore the calendar', () => {
  it('an urgent limit runs across midnight', () => {
    expect(due('2026-01-05 22:00', 4, 'urgent_hours')).toBe('2026-01-06 02:00');
  });

  it('an urgent limit runs through a holiday', () => {
    expect(due('2026-10-01 10:00', 2, 'urgent_hours')).toBe('2026-10-01 12:00');
  });

  it('calendar days are 24 h each, holidays included', () => {
    expect(due('2026-04-03 10:00', 3, 'calendar_days')).toBe('2026-04-06 10:00');
  });
});

describe('bad input', () => {
  function rejection(limit: unknown): { field: string; rule: string } {
    try {
      computeDeadline(cal, at('2026-01-05 10:00'), limit as TimeLimit);
    } catch (err) {
      if (err instanceof ValidationError) return { field: err.field, rule: err.rule };
      throw err;
    }
    throw new Error('limit was accepted');
  }

  it.each([
    ['zero', { amount: 0, unit: 'working_days' }, 'limit.amount', 'must be greater than 0'],
    ['negative', { amount: -2, unit: 'working_hours' }, 'limit.amount', 'must be greater than 0'],
    ['NaN', { amount: Number.NaN, unit: 'urgent_hours' }, 'limit.amount', 'must be a number'],
    ['an unknown unit', { amount: 1, unit: 'weeks' }, 'limit.unit', 'must be one of urgent_hours'],
  ])('rejects a %s limit naming the field and the rule', (_what, limit, field, rule) => {
    const error = rejection(limit);
    expect(error.field).toBe(field);
    expect(error.rule).toContain(rule);
  });

  it('fails with a clear error, not an endless loop, when a calendar has no working days', () => {
    const allWeekend: WorkingCalendar = {
      ...cal,
      years: {},
      weekendDays: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
    };
    expect(() => computeDeadline(allWeekend, at('2026-01-05 10:00'), { amount: 1, unit: 'working_days' })).toThrow(
      'calendar.weekendDays: leaves no working day on or after 2026-01-05',
    );
  });
});
