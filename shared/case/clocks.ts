import type { ClockStep, StepClock, TimeLimit } from '../clock/types.js';
import type { CaseState } from './state.js';

/**
 * A fresh `{amount, unit}`: the state never shares objects with payloads, whose key order depends on the store
 * (PostgreSQL jsonb reorders keys) — the state must serialise byte for byte the same on edge and central.
 */
export function limitOf(l: TimeLimit): TimeLimit {
  return { amount: l.amount, unit: l.unit };
}

/** Clock bookkeeping inside the fold. Times are epoch ms taken from the events' `at`. */

export function startClock(c: CaseState, step: ClockStep, at: number, limit: TimeLimit | undefined): void {
  const previous = c.clocks[step];
  if (previous) {
    stopOne(previous, at);
    c.clockHistory.push(previous);
  }
  if (!limit) {
    delete c.clocks[step];
    return;
  }
  c.clocks[step] = { step, startedAt: at, limit: limitOf(limit), extensions: [], suspensions: [], stoppedAt: null };
}

export function stopClock(c: CaseState, step: ClockStep, at: number): void {
  const clock = c.clocks[step];
  if (clock) stopOne(clock, at);
}

export function stopAllClocks(c: CaseState, at: number): void {
  for (const clock of Object.values(c.clocks)) if (clock) stopOne(clock, at);
}

/** 缓办 / 挂账: every running clock pauses. */
export function suspendClocks(c: CaseState, at: number): void {
  for (const clock of Object.values(c.clocks)) {
    if (clock && clock.stoppedAt === null && !isSuspended(clock)) clock.suspensions.push({ from: at, to: null });
  }
}

export function resumeClocks(c: CaseState, at: number): void {
  for (const clock of Object.values(c.clocks)) {
    const open = clock?.suspensions.at(-1);
    if (open && open.to === null) open.to = Math.max(at, open.from);
  }
}

export function isSuspended(clock: StepClock): boolean {
  return clock.suspensions.at(-1)?.to === null;
}

export function isRunning(clock: StepClock | undefined): clock is StepClock {
  return clock !== undefined && clock.stoppedAt === null;
}

function stopOne(clock: StepClock, at: number): void {
  if (clock.stoppedAt !== null) return;
  const open = clock.suspensions.at(-1);
  if (open && open.to === null) open.to = Math.max(at, open.from);
  clock.stoppedAt = Math.max(at, clock.startedAt);
}
