import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clockStatus,
  cnNationalSchedule2026,
  computeDeadline,
  isWorkingInstant,
  type LimitUnit,
  limitUnits,
  parseWorkingCalendar,
  type StepClock,
  type TimeLimit,
} from '../../../shared/clock/index.js';

const cal = parseWorkingCalendar({ years: { '2026': cnNationalSchedule2026 } });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const numRuns = 500;

// Starts anywhere from December 2025 to the end of 2026, to the minute, so holidays and 调休 days are hit often.
const instant = fc
  .integer({
    min: Date.parse('2025-12-01T00:00:00+08:00') / 60_000,
    max: Date.parse('2026-12-31T23:59:00+08:00') / 60_000,
  })
  .map((m) => m * 60_000);
const amount = fc.integer({ min: 1, max: 1200 }).map((quarters) => quarters / 4); // 0.25 … 300
const unit = fc.constantFrom(...limitUnits);
const workingUnit = fc.constantFrom<LimitUnit>('working_hours', 'working_days');
const limit = fc.record({ amount, unit });
const workingLimit = fc.record({ amount, unit: workingUnit });

const suspension = fc.record({
  afterStart: fc.integer({ min: -DAY, max: 60 * DAY }),
  length: fc.option(fc.integer({ min: 0, max: 10 * DAY }), { nil: null }),
});

function clockArb(limits: fc.Arbitrary<TimeLimit>): fc.Arbitrary<StepClock> {
  return fc
    .record({
      startedAt: instant,
      limit: limits,
      extensions: fc.array(limits, { maxLength: 2 }),
      suspensions: fc.array(suspension, { maxLength: 3 }),
      stopAfter: fc.option(fc.integer({ min: 0, max: 120 * DAY }), { nil: null }),
    })
    .map(({ startedAt, limit, extensions, suspensions, stopAfter }) => ({
      step: 'handle' as const,
      startedAt,
      limit,
      extensions,
      suspensions: suspensions.map((s) => {
        const from = startedAt + s.afterStart;
        return { from, to: s.length === null ? null : from + s.length };
      }),
      stoppedAt: stopAfter === null ? null : startedAt + stopAfter,
    }));
}

describe('deadline properties', () => {
  it('a larger limit never gives an earlier deadline, for every unit', () => {
    fc.assert(
      fc.property(instant, unit, amount, amount, (start, u, a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const early = computeDeadline(cal, start, { amount: small, unit: u });
        const late = computeDeadline(cal, start, { amount: large, unit: u });
        expect(late).toBeGreaterThanOrEqual(early);
      }),
      { numRuns },
    );
  });

  it('working-time deadlines land inside a working period or exactly at its end', () => {
    fc.assert(
      fc.property(instant, workingLimit, (start, l) => {
        const deadline = computeDeadline(cal, start, l);
        expect(isWorkingInstant(cal, deadline)).toBe(true);
        expect(deadline).toBeGreaterThan(start);
      }),
      { numRuns },
    );
  });

  it('working-time deadlines stay in working time after suspensions and extensions', () => {
    fc.assert(
      fc.property(clockArb(workingLimit), (clock) => {
        const status = clockStatus(cal, clock, clock.startedAt + 200 * DAY);
        if (status.deadline !== null) expect(isWorkingInstant(cal, status.deadline)).toBe(true);
      }),
      { numRuns },
    );
  });

  it('a clock without suspensions or extensions is due at the computed deadline', () => {
    fc.assert(
      fc.property(instant, limit, (start, l) => {
        const clock: StepClock = {
          step: 'handle',
          startedAt: start,
          limit: l,
          extensions: [],
          suspensions: [],
          stoppedAt: null,
        };
        expect(clockStatus(cal, clock, start).deadline).toBe(computeDeadline(cal, start, l));
      }),
      { numRuns },
    );
  });
});

describe('status properties', () => {
  it('the used fraction never goes down as time passes', () => {
    const later = fc.tuple(fc.integer({ min: -DAY, max: 150 * DAY }), fc.integer({ min: 0, max: 30 * DAY }));
    fc.assert(
      fc.property(clockArb(limit), later, (clock, [offset, step]) => {
        const now = clock.startedAt + offset;
        const before = clockStatus(cal, clock, now);
        const after = clockStatus(cal, clock, now + step);
        expect(after.usedFraction).toBeGreaterThanOrEqual(before.usedFraction);
      }),
      { numRuns },
    );
  });
});
