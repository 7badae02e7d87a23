import type { ClockAlert } from '../cases/clock-sweep.feature.js';

export type LiveMessage =
  | { type: 'cases'; caseIds: string[] }
  | { type: 'alerts'; alerts: ClockAlert[] }
  | { type: 'candidate'; id: string; source: string; rule: string };

/**
 * The fan-out behind `GET /api/v1/live`: what changed, for consoles to refetch. Each subscriber coalesces case ids
 * between its flushes, so a slow client gets "these cases changed" once rather than a growing queue of events;
 * past `maxPending` ids it is told to reload everything instead.
 */
export class LiveHub {
  private readonly subscribers = new Set<(m: LiveMessage) => void>();

  subscribe(listener: (m: LiveMessage) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  get size(): number {
    return this.subscribers.size;
  }

  publish(message: LiveMessage): void {
    for (const s of this.subscribers) s(message);
  }
}

/** Per-subscriber buffer: case ids as a set (bounded), alerts and candidates as short lists (bounded). */
export class LiveBuffer {
  private ids = new Set<string>();
  private overflow = false;
  private other: LiveMessage[] = [];

  constructor(private readonly maxPending = 1000) {}

  add(m: LiveMessage): void {
    if (m.type === 'cases') {
      for (const id of m.caseIds) {
        if (this.ids.size >= this.maxPending) {
          this.overflow = true;
          break;
        }
        this.ids.add(id);
      }
    } else if (this.other.length < 100) this.other.push(m);
    else this.overflow = true;
  }

  /** What to send now: `reload` when the buffer overflowed (the client refetches its views). */
  drain(): { reload: boolean; caseIds: string[]; other: LiveMessage[] } {
    const out = { reload: this.overflow, caseIds: this.overflow ? [] : [...this.ids], other: this.other };
    this.ids = new Set();
    this.other = [];
    this.overflow = false;
    return out;
  }
}
