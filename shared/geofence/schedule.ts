import { type WeeklyWindow, weekdays } from './schema.js';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const WEEK = 7 * DAY;
// 1970-01-01 was a Thursday: shifting by three days makes week time 0 a Monday 00:00.
const EPOCH_TO_MONDAY = 3 * DAY;

/**
 * A compiled weekly schedule: half-open `[from, to)` intervals in ms since Monday 00:00 local time, or undefined
 * for "always active". A window that runs past Sunday midnight is split into its Sunday and Monday parts.
 */
export type CompiledSchedule = Float64Array | undefined;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

export function compileSchedule(windows: readonly WeeklyWindow[]): CompiledSchedule {
  if (windows.length === 0) return undefined;
  const out: number[] = [];
  for (const w of windows) {
    const start = minutesOf(w.start) * MINUTE;
    let end = minutesOf(w.end) * MINUTE;
    if (end <= start) end += DAY;
    for (const day of w.days) {
      const from = weekdays.indexOf(day) * DAY + start;
      const to = from - start + end;
      if (to <= WEEK) out.push(from, to);
      else out.push(from, WEEK, 0, to - WEEK);
    }
  }
  return Float64Array.from(out);
}

/** Milliseconds since the local Monday 00:00 of the week holding `ts`, in a city `utcOffsetMinutes` east of UTC. */
export function weekTimeMs(ts: number, utcOffsetMinutes: number): number {
  const t = (ts + utcOffsetMinutes * MINUTE + EPOCH_TO_MONDAY) % WEEK;
  return t < 0 ? t + WEEK : t;
}

/** Whether the schedule is active at epoch-ms `ts`. */
export function isActive(schedule: CompiledSchedule, ts: number, utcOffsetMinutes: number): boolean {
  if (schedule === undefined) return true;
  const t = weekTimeMs(ts, utcOffsetMinutes);
  for (let i = 0; i < schedule.length; i += 2) {
    if (t >= (schedule[i] ?? 0) && t < (schedule[i + 1] ?? 0)) return true;
  }
  return false;
}
