import { z } from 'zod';
import { parseOrThrow, ValidationError } from '../validation.js';
import type { WorkingCalendar } from './calendar.schema.js';
import { type ClockMeasure, limitMs, measureOf } from './deadline.js';
import { strictObject } from './strict-object.js';
import { clockSteps, type StepClock, type TrafficLight, timeLimitSchema } from './types.js';

/** Traffic-light thresholds (DOMAIN.md §6): yellow from `yellowAt` of the limit used, red once overdue. */
export const clockThresholdsSchema = strictObject({
  yellowAt: z
    .number({ error: 'must be a number' })
    .gt(0, { error: 'must be greater than 0' })
    .lt(1, { error: 'must be less than 1' })
    .default(0.8),
});
export type ClockThresholdsInput = z.input<typeof clockThresholdsSchema>;
export type ClockThresholds = z.output<typeof clockThresholdsSchema>;

/** Validates thresholds config; throws ValidationError naming the field and rule. */
export function parseClockThresholds(input: unknown, root = 'thresholds'): ClockThresholds {
  return parseOrThrow(clockThresholdsSchema, input, root);
}

/** Green below `yellowAt`, yellow from `yellowAt` up to 100 % inclusive, red when overdue (past 100 %). */
export function trafficLight(usedFraction: number, overdue: boolean, thresholds: ClockThresholds): TrafficLight {
  if (overdue || usedFraction > 1) return 'red';
  return usedFraction >= thresholds.yellowAt ? 'yellow' : 'green';
}

const epochMs = z.number({ error: 'must be finite epoch milliseconds' });
const stepClockSchema = z
  .object({
    step: z.enum(clockSteps, { error: `must be one of ${clockSteps.join(', ')}` }),
    startedAt: epochMs,
    limit: timeLimitSchema,
    extensions: z.array(timeLimitSchema),
    suspensions: z.array(
      z
        .object({ from: epochMs, to: epochMs.nullable() })
        .refine((s) => s.to === null || s.to >= s.from, { path: ['to'], error: 'must not be before from' }),
    ),
    stoppedAt: epochMs.nullable(),
  })
  .refine((c) => c.stoppedAt === null || c.stoppedAt >= c.startedAt, {
    path: ['stoppedAt'],
    error: 'must not be before startedAt',
  });

interface Fields {
  usedFraction: number;
  light: TrafficLight;
  overdue: boolean;
}
/** A clock at one instant. `deadline`/`remainingMs` are null while suspended, because the resume time is unknown. */
export type ClockStatus =
  | (Fields & { state: 'running'; deadline: number; remainingMs: number })
  | (Fields & { state: 'suspended'; deadline: null; remainingMs: null; suspendedSince: number })
  | (Fields & { state: 'stopped'; deadline: number; remainingMs: number; onTime: boolean });

type Interval = readonly [number, number];

/** Merges suspensions that began by `horizon` (one starting exactly now already pauses the clock) into sorted, disjoint intervals clipped to start at `startedAt`. */
function knownSuspensions(clock: StepClock, horizon: number): Interval[] {
  const spans = clock.suspensions
    .filter((s) => s.from <= horizon)
    .map((s): Interval => [Math.max(s.from, clock.startedAt), s.to ?? Number.POSITIVE_INFINITY])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of spans) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The instants from `startedAt` on when the clock runs: everything outside the (past) suspensions. */
function activeIntervals(startedAt: number, suspensions: Interval[]): Interval[] {
  const active: Interval[] = [];
  let t = startedAt;
  for (const [from, to] of suspensions) {
    if (from > t) active.push([t, from]);
    t = Math.max(t, to);
  }
  active.push([t, Number.POSITIVE_INFINITY]);
  return active;
}

/** Where `amountMs` of clock time, counted from `from` only inside active intervals, runs out. */
function advanceActive(active: Interval[], measure: ClockMeasure, from: number, amountMs: number): number {
  let remaining = amountMs;
  for (const [a, b] of active) {
    if (b <= from) continue;
    const start = Math.max(a, from);
    if (b === Number.POSITIVE_INFINITY) return measure.advance(start, remaining);
    const available = measure.between(start, b);
    if (remaining <= available) return measure.advance(start, remaining);
    remaining -= available;
  }
  throw new Error('unreachable: the last active interval is unbounded');
}

/** Clock time inside active intervals between two instants. */
function activeBetween(active: Interval[], measure: ClockMeasure, from: number, to: number): number {
  let total = 0;
  for (const [a, b] of active) total += measure.between(Math.max(a, from), Math.min(b, to));
  return total;
}

/**
 * The status of a step clock at `now`, from what had happened by then (suspensions starting later are ignored).
 * The base limit is consumed first, then each extension in order, each in its own unit's measure; suspended time
 * does not count, so it pushes the deadline out. Used = consumed clock time ÷ (base + extensions).
 */
export function clockStatus(
  cal: WorkingCalendar,
  clock: StepClock,
  now: number,
  thresholds: ClockThresholdsInput = {},
): ClockStatus {
  const c = parseOrThrow(stepClockSchema, clock, 'clock');
  const th = parseClockThresholds(thresholds);
  if (!Number.isFinite(now)) throw new ValidationError('now', 'must be finite epoch milliseconds');
  const stopped = c.stoppedAt !== null && c.stoppedAt <= now;
  const horizon = stopped && c.stoppedAt !== null ? c.stoppedAt : now;
  const suspensions = knownSuspensions(c, horizon);
  const last = suspensions.at(-1);
  const pausedSince = last && last[1] > horizon ? last[0] : null;
  // `end` is the last instant the clock counted: now, when it stopped, or when an open suspension paused it.
  const end = pausedSince ?? horizon;
  const active = activeIntervals(c.startedAt, pausedSince === null ? suspensions : suspensions.slice(0, -1));

  const segments = [c.limit, ...c.extensions].map((l) => ({ measure: measureOf(cal, l.unit), ms: limitMs(cal, l) }));
  let segmentStart = c.startedAt;
  let consumed = 0;
  let total = 0;
  let deadline = c.startedAt;
  for (const [i, seg] of segments.entries()) {
    deadline = advanceActive(active, seg.measure, segmentStart, seg.ms);
    total += seg.ms;
    // Time past the final deadline is overtime, measured in the last segment's unit.
    const isLast = i === segments.length - 1;
    if (end >= deadline && !isLast) consumed += seg.ms;
    else if (end > segmentStart) consumed += activeBetween(active, seg.measure, segmentStart, end);
    segmentStart = deadline;
  }

  const usedFraction = consumed / total;
  const overdue = end > deadline;
  const fields: Fields = { usedFraction, overdue, light: trafficLight(usedFraction, overdue, th) };
  if (stopped) return { ...fields, state: 'stopped', deadline, remainingMs: deadline - end, onTime: !overdue };
  if (pausedSince !== null) {
    return { ...fields, state: 'suspended', deadline: null, remainingMs: null, suspendedSince: pausedSince };
  }
  return { ...fields, state: 'running', deadline, remainingMs: deadline - end };
}
