import { describe, expect, it } from 'vitest';
import {
  type ClockStatus,
  type ClockThresholdsInput,
  clockStatus,
  cnNationalSchedule2026,
  parseWorkingCalendar,
  type StepClock,
  type TimeLimit,
  workingTimeBetween,
} from '../../../shared/clock/index.js';
import { ValidationError } from '../../../shared/validation.js';

const cal = parseWorkingCalendar({ years: { '2026': cnNationalSchedule2026 } });
const HOUR = 3_600_000;
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
const local = (ms: number | null) =>
  ms === null ? null : new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

function handlingClock(startedAt: string, limit: TimeLimit, more: Partial<StepClock> = {}): StepClock {
  return { step: 'handle', startedAt: at(startedAt), limit, extensions: [], suspensions: [], stoppedAt: null, ...more };
}
const twoWorkingDays: TimeLimit = { amount: 2, unit: 'working_days' };
const tenUrgentHours: TimeLimit = { amount: 10, unit: 'urgent_hours' };

describe('a running clock', () => {
  it('is green at the start and due by its limit', () => {
    const status = clockStatus(cal, handlingClock('2026-01-05 09:00', twoWorkingDays), at('2026-01-05 09:00'));
    expect(status).toMatchObject({ state: 'running', usedFraction: 0, light: 'green', overdue: false });
    expect(local(status.deadline)).toBe('2026-01-07 09:00');
    expect(status.remainingMs).toBe(2 * 24 * HOUR);
  });
});

describe('postponement (缓办/挂账) stops the clock', () => {
  it('a suspension that begins at this very instant already pauses the clock (approval and read in one millisecond)', () => {
    const now = at('2026-01-05 10:00');
    const clock = handlingClock('2026-01-05 10:00', twoWorkingDays, { suspensions: [{ from: now, to: null }] });
    expect(clockStatus(cal, clock, now)).toMatchObject({ state: 'suspended', deadline: null, suspendedSince: now });
  });

  it('a suspension in the middle pushes the deadline by exactly the suspended working time', () => {
    const suspension = { from: at('2026-01-05 10:00'), to: at('2026-01-06 11:00') };
    const clock = handlingClock('2026-01-05 09:00', twoWorkingDays, { suspensions: [suspension] });
    const status = clockStatus(cal, clock, at('2026-01-06 15:00'));
    const unsuspendedDeadline = at('2026-01-07 09:00');
    expect(status.state).toBe('running');
    expect(local(status.deadline)).toBe('2026-01-08 10:00');
    const pushedBy = workingTimeBetween(cal, unsuspendedDeadline, status.deadline ?? 0);
    expect(pushedBy).toBe(workingTimeBetween(cal, suspension.from, suspension.to));
    expect(pushedBy).toBe(9 * HOUR);
    // Counted so far: Mon 09–10, Tue 11–12 and 14–15 = 3 of 16 working hours.
    expect(status.usedFraction).toBe(3 / 16);
  });

  it('a suspension outside working time does not move a working-time deadline', () => {
    const overnight = { from: at('2026-01-05 19:00'), to: at('2026-01-06 07:00') };
    const clock = handlingClock('2026-01-05 09:00', twoWorkingDays, { suspensions: [overnight] });
    expect(local(clockStatus(cal, clock, at('2026-01-06 09:00')).deadline)).toBe('2026-01-07 09:00');
  });

  it('a suspension pushes an urgent deadline by its wall-clock length', () => {
    const suspension = { from: at('2026-01-05 12:00'), to: at('2026-01-05 14:30') };
    const clock = handlingClock('2026-01-05 10:00', tenUrgentHours, { suspensions: [suspension] });
    expect(local(clockStatus(cal, clock, at('2026-01-05 15:00')).deadline)).toBe('2026-01-05 22:30');
  });

  it('an open suspension pauses the clock: no deadline, and the used fraction is frozen', () => {
    const clock = handlingClock('2026-01-05 10:00', tenUrgentHours, {
      suspensions: [{ from: at('2026-01-05 14:00'), to: null }],
    });
    const soon = clockStatus(cal, clock, at('2026-01-05 15:00'));
    const muchLater = clockStatus(cal, clock, at('2026-02-05 15:00'));
    expect(soon).toMatchObject({ state: 'suspended', deadline: null, remainingMs: null, usedFraction: 0.4 });
    expect(muchLater).toEqual(soon);
  });

  it('a suspension that has not begun by now does not change the status', () => {
    const later = { from: at('2026-01-05 16:00'), to: null };
    const clock = handlingClock('2026-01-05 10:00', tenUrgentHours, { suspensions: [later] });
    expect(clockStatus(cal, clock, at('2026-01-05 12:00'))).toMatchObject({
      state: 'running',
      usedFraction: 0.2,
    });
  });
});

describe('an extension (延期) moves the deadline', () => {
  it('adds its amount after the base limit', () => {
    const clock = handlingClock(
      '2026-01-05 10:00',
      { amount: 1, unit: 'working_days' },
      {
        extensions: [{ amount: 2, unit: 'working_days' }],
      },
    );
    const status = clockStatus(cal, clock, at('2026-01-06 10:00'));
    expect(local(status.deadline)).toBe('2026-01-08 10:00');
    expect(status).toMatchObject({ usedFraction: 1 / 3, light: 'green', overdue: false });
  });

  it('applies each extension in its own unit, after the base deadline', () => {
    const clock = handlingClock(
      '2026-01-05 08:00',
      { amount: 1, unit: 'working_days' },
      {
        extensions: [{ amount: 12, unit: 'urgent_hours' }],
      },
    );
    expect(local(clockStatus(cal, clock, at('2026-01-05 09:00')).deadline)).toBe('2026-01-06 06:00');
  });
});

describe('a stopped clock', () => {
  it('is frozen and on time when it stopped by the deadline', () => {
    const clock = handlingClock('2026-01-05 10:00', tenUrgentHours, { stoppedAt: at('2026-01-05 15:00') });
    const status = clockStatus(cal, clock, at('2026-01-09 10:00'));
    expect(status).toMatchObject({ state: 'stopped', onTime: true, usedFraction: 0.5, light: 'green' });
    expect(status.remainingMs).toBe(5 * HOUR);
  });

  it('is late and red when it stopped after the deadline', () => {
    const clock = handlingClock('2026-01-05 10:00', tenUrgentHours, { stoppedAt: at('2026-01-05 21:00') });
    expect(clockStatus(cal, clock, at('2026-01-09 10:00'))).toMatchObject({
      state: 'stopped',
      onTime: false,
      overdue: true,
      light: 'red',
      remainingMs: -1 * HOUR,
    });
  });
});

describe('traffic light', () => {
  const start = '2026-01-05 08:00';
  const lightAfter = (ms: number, thresholds = {}): ClockStatus =>
    clockStatus(cal, handlingClock(start, tenUrgentHours), at(start) + ms, thresholds);

  it('is green at 79.9 %, yellow at 80 % and at 100 %, red past 100 %', () => {
    expect(lightAfter(7.99 * HOUR)).toMatchObject({ light: 'green', overdue: false });
    expect(lightAfter(8 * HOUR)).toMatchObject({ light: 'yellow', usedFraction: 0.8 });
    expect(lightAfter(10 * HOUR)).toMatchObject({ light: 'yellow', usedFraction: 1, overdue: false, remainingMs: 0 });
    expect(lightAfter(10 * HOUR + 1)).toMatchObject({ light: 'red', overdue: true, remainingMs: -1 });
  });

  it('follows a configured yellow threshold', () => {
    expect(lightAfter(4.99 * HOUR, { yellowAt: 0.5 }).light).toBe('green');
    expect(lightAfter(5 * HOUR, { yellowAt: 0.5 }).light).toBe('yellow');
    expect(lightAfter(10 * HOUR, { yellowAt: 0.5 }).light).toBe('yellow');
    expect(lightAfter(11 * HOUR, { yellowAt: 0.5 }).light).toBe('red');
  });

  it('turns red once a working-time deadline has passed, even at night when no working time elapses', () => {
    const clock = handlingClock('2026-01-05 08:00', { amount: 1, unit: 'working_days' });
    expect(clockStatus(cal, clock, at('2026-01-05 20:00'))).toMatchObject({
      usedFraction: 1,
      overdue: true,
      light: 'red',
      remainingMs: -2 * HOUR,
    });
  });
});

describe('bad input', () => {
  function rejection(run: () => unknown): { field: string; rule: string } {
    try {
      run();
    } catch (err) {
      if (err instanceof ValidationError) return { field: err.field, rule: err.rule };
      throw err;
    }
    throw new Error('input was accepted');
  }
  const clock = handlingClock('2026-01-05 08:00', tenUrgentHours);
  const now = at('2026-01-05 09:00');

  it.each([
    [{ yellowAt: 0 }, 'thresholds.yellowAt', 'must be greater than 0'],
    [{ yellowAt: 1 }, 'thresholds.yellowAt', 'must be less than 1'],
    [{ yellowAt: Number.NaN }, 'thresholds.yellowAt', 'must be a number'],
    [{ yellow: 0.7 }, 'thresholds', 'unknown key "yellow" is not allowed'],
  ])('rejects thresholds %o', (thresholds: unknown, field, rule) => {
    expect(rejection(() => clockStatus(cal, clock, now, thresholds as ClockThresholdsInput))).toEqual({ field, rule });
  });

  it('rejects an extension of 0 and a suspension that ends before it starts', () => {
    const zeroExtension = { ...clock, extensions: [{ amount: 0, unit: 'working_hours' as const }] };
    expect(rejection(() => clockStatus(cal, zeroExtension, now))).toEqual({
      field: 'clock.extensions[0].amount',
      rule: 'must be greater than 0',
    });
    const backwards = { ...clock, suspensions: [{ from: now, to: now - 1 }] };
    expect(rejection(() => clockStatus(cal, backwards, now))).toEqual({
      field: 'clock.suspensions[0].to',
      rule: 'must not be before from',
    });
  });
});
