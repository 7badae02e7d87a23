import { z } from 'zod';

/**
 * Hybrid logical clock (Kulkarni et al. 2014). Timestamps are fixed-width strings `PPPPPPPPPPPPPPP.LLLLL`
 * (physical ms, 15 digits; logical counter, 5 digits) so that string order is time order, in SQL too.
 */
export interface HlcTimestamp {
  physical: number;
  logical: number;
}

const MAX_LOGICAL = 99_999;
const hlcPattern = /^\d{15}\.\d{5}$/;

export const hlcSchema = z.string({ error: 'must be a string' }).regex(hlcPattern, {
  error: 'must be an HLC timestamp "<15-digit ms>.<5-digit counter>"',
});

export function formatHlc(t: HlcTimestamp): string {
  return `${String(t.physical).padStart(15, '0')}.${String(t.logical).padStart(5, '0')}`;
}

export function parseHlc(s: string): HlcTimestamp {
  if (!hlcPattern.test(s))
    throw new RangeError(`hlc: must be "<15-digit ms>.<5-digit counter>", got ${JSON.stringify(s)}`);
  return { physical: Number(s.slice(0, 15)), logical: Number(s.slice(16)) };
}

export interface HlcOptions {
  /** Wall clock in epoch ms; injectable for tests and for skewed-clock simulations. */
  now?: () => number;
  /** How far a remote timestamp may run ahead of our wall clock before `receive` reports it as drift. */
  maxDriftMs?: number;
  /** Last timestamp issued before a restart, so the clock never goes backwards across restarts. */
  last?: string;
}

/**
 * A node's clock. `tick()` stamps a local event; `receive()` merges a remote stamp so every later local event
 * sorts after it (causality), even when this node's wall clock lags or jumps back.
 */
export class HybridLogicalClock {
  private physical = 0;
  private logical = 0;
  private readonly now: () => number;
  readonly maxDriftMs: number;
  /** The largest amount by which a received stamp was ahead of our wall clock; surfaced as a health signal. */
  maxObservedDriftMs = 0;

  constructor(options: HlcOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxDriftMs = options.maxDriftMs ?? 60_000;
    if (options.last) {
      const last = parseHlc(options.last);
      this.physical = last.physical;
      this.logical = last.logical;
    }
  }

  tick(): string {
    // Whole milliseconds: an injected clock may be fractional, the stamp format is not.
    const wall = Math.floor(this.now());
    if (wall > this.physical) {
      this.physical = wall;
      this.logical = 0;
    } else {
      this.bumpLogical();
    }
    return formatHlc({ physical: this.physical, logical: this.logical });
  }

  /**
   * Merges a remote timestamp. The remote time is adopted even when it runs ahead of our wall clock (dropping it
   * would break causal order of the case log); the drift is reported so the caller can alarm on a skewed peer.
   */
  receive(remote: string): { hlc: string; driftMs: number; excessive: boolean } {
    const r = parseHlc(remote);
    const wall = Math.floor(this.now());
    const driftMs = Math.max(0, r.physical - wall);
    this.maxObservedDriftMs = Math.max(this.maxObservedDriftMs, driftMs);
    const top = Math.max(wall, this.physical, r.physical);
    if (top === this.physical && top === r.physical) {
      this.logical = Math.max(this.logical, r.logical);
      this.bumpLogical();
    } else if (top === this.physical) {
      this.bumpLogical();
    } else if (top === r.physical) {
      this.physical = top;
      this.logical = r.logical;
      this.bumpLogical();
    } else {
      this.physical = top;
      this.logical = 0;
    }
    return {
      hlc: formatHlc({ physical: this.physical, logical: this.logical }),
      driftMs,
      excessive: driftMs > this.maxDriftMs,
    };
  }

  /** The last issued timestamp (persist it to survive restarts). */
  current(): string {
    return formatHlc({ physical: this.physical, logical: this.logical });
  }

  private bumpLogical(): void {
    // On counter overflow, borrow a millisecond rather than wrap: order must stay strict.
    if (this.logical >= MAX_LOGICAL) {
      this.physical += 1;
      this.logical = 0;
    } else {
      this.logical += 1;
    }
  }
}
