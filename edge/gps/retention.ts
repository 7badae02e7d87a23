import { setTimeout as sleep } from 'node:timers/promises';
import type { TracksStore } from './tracks.store.js';

export interface PruneResult {
  deleted: number;
  batches: number;
  ms: number;
}

/**
 * Retention (DESIGN.md §8): positions received more than `days` ago are deleted in rowid ranges of `batchRows`
 * from the oldest (rowids follow receipt order, so no time index is needed). After each batch the pruner sleeps at least as long as the batch took (a duty cycle of at most
 * 50 %), so timers and MQTT sockets are served between batches and a large backlog never stalls ingest; a batch
 * of 500 rows takes a few milliseconds. One run at a time.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneResult> | undefined;
  private stopped = false;
  totalDeleted = 0;
  lastRun: (PruneResult & { at: number }) | undefined;

  constructor(
    private readonly store:
      | Pick<TracksStore, 'pruneStep'>
      | {
          pruneStep(from: number, span: number, before: number): Promise<{ deleted: number; next: number | undefined }>;
        },
    private readonly o: { days: number; batchRows: number; intervalMs: number },
    private readonly now: () => number,
    private readonly log: (e: Record<string, unknown>) => void = () => {},
  ) {}

  start(firstDelayMs = 10_000): void {
    this.stopped = false;
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.run().finally(() => {
          if (!this.stopped) schedule(this.o.intervalMs);
        });
      }, delay);
      this.timer.unref();
    };
    schedule(firstDelayMs);
  }

  /** Prunes now (or joins the run in progress). */
  run(): Promise<PruneResult> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async prune(): Promise<PruneResult> {
    const started = performance.now();
    const cutoff = this.now() - this.o.days * 86_400_000;
    let deleted = 0;
    let batches = 0;
    let from: number | undefined = 0;
    while (!this.stopped && from !== undefined) {
      const t = performance.now();
      const step: { deleted: number; next: number | undefined } = await this.store.pruneStep(
        from,
        this.o.batchRows,
        cutoff,
      );
      deleted += step.deleted;
      batches += 1;
      from = step.next;
      if (from !== undefined) await sleep(Math.max(1, Math.ceil(performance.now() - t)));
    }
    const result = { deleted, batches, ms: Math.round(performance.now() - started) };
    this.totalDeleted += deleted;
    this.lastRun = { ...result, at: this.now() };
    if (deleted > 0) this.log({ level: 'info', msg: 'gps retention pruned positions', ...result });
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
