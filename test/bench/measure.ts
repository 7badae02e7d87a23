import { readFileSync } from 'node:fs';
/**
 * One timed contender: runs operations `start` to `end - 1` in its own loop (so each side's loop stays monomorphic
 * and can inline its query) and returns a number derived from the results so the work cannot be optimised away.
 */
export type Batch = (start: number, end: number) => number;

export interface PairedOptions {
  readonly ours: Batch;
  readonly raw: Batch;
  /** Number of prepared operations (query points); rounds cycle through them in slices of `chunk`. */
  readonly count: number;
  readonly chunk: number;
  readonly rounds: number;
  readonly warmupRounds: number;
}

export interface PairedRates {
  /** Median operations per second of each side. */
  readonly ours: number;
  readonly raw: number;
  /** Median of the per-round ratios ours/raw; pairing rounds cancels most of the machine's drift. */
  readonly ratio: number;
  readonly roundsOurs: number[];
  readonly roundsRaw: number[];
  /** Sum of `ours` results over the timed rounds divided by its operations (e.g. the share of hits). */
  readonly oursPerOp: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? Number.NaN) + hi) / 2;
}

function timeBatch(batch: Batch, start: number, end: number): { rate: number; sum: number } {
  const t0 = process.hrtime.bigint();
  const sum = batch(start, end);
  const ns = Number(process.hrtime.bigint() - t0);
  return { rate: ((end - start) * 1e9) / ns, sum };
}

/**
 * Times `ours` against `raw` on the same slice of operations each round, after untimed warm-up rounds. Short
 * rounds that alternate which side goes first keep each pair under the same machine load, so the ratio stays
 * meaningful on a noisy machine even when the absolute rates swing.
 */
export function comparePaired(o: PairedOptions): PairedRates {
  const roundsOurs: number[] = [];
  const roundsRaw: number[] = [];
  const ratios: number[] = [];
  let sum = 0;
  let ops = 0;
  for (let r = 0; r < o.warmupRounds + o.rounds; r++) {
    const start = (r * o.chunk) % o.count;
    const end = Math.min(o.count, start + o.chunk);
    const oursFirst = r % 2 === 0;
    const first = timeBatch(oursFirst ? o.ours : o.raw, start, end);
    const second = timeBatch(oursFirst ? o.raw : o.ours, start, end);
    if (r < o.warmupRounds) continue;
    const ours = oursFirst ? first : second;
    const raw = oursFirst ? second : first;
    roundsOurs.push(Math.round(ours.rate));
    roundsRaw.push(Math.round(raw.rate));
    ratios.push(ours.rate / raw.rate);
    sum += ours.sum;
    ops += end - start;
  }
  return {
    ours: median(roundsOurs),
    raw: median(roundsRaw),
    ratio: median(ratios),
    roundsOurs,
    roundsRaw,
    oursPerOp: sum / ops,
  };
}

/** USER_HZ on Linux: the unit of the CPU times in /proc. */
export const TICKS = 100;

/** [utime, stime] of a process in clock ticks, from /proc/<pid>/stat ([0, 0] once it is gone). */
export function cpuTicks(pid: number): [number, number] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(fields[11]), Number(fields[12])];
  } catch {
    return [0, 0];
  }
}
