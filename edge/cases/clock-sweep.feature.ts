import { and, isNotNull, lt, lte, sql } from 'drizzle-orm';
import type { ClockThresholds, StepClock, TrafficLight, WorkingCalendar } from '../../shared/clock/index.js';
import { clockStatus } from '../../shared/clock/index.js';
import type { EdgeDb } from '../db/open.js';
import { cases, clockAlerts } from '../db/schema.js';

export interface ClockAlert {
  caseId: string;
  caseNumber: string | null;
  step: string;
  level: Exclude<TrafficLight, 'green'>;
  deadline: number;
}

export interface ClockSweepDeps {
  db: EdgeDb;
  calendar: WorkingCalendar;
  thresholds: ClockThresholds;
  now: () => number;
  /** Called with the alerts raised by one sweep (console, MQTT, SSE). */
  onAlerts?: (alerts: ClockAlert[]) => void;
  intervalMs?: number;
}

/**
 * The overdue sweep: finds running clocks that turned yellow (预警) or red (超期) since the last sweep and records
 * each change once. Cases are read from the projection's running clock only, so a sweep is one indexed scan.
 */
export class ClockSweep {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ClockSweepDeps) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.deps.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  sweep(): ClockAlert[] {
    const { db, calendar, thresholds } = this.deps;
    const now = this.deps.now();
    // Only clocks past their yellow instant (or their deadline) and not yet alerted at that level: two index reads.
    const candidates = (level: 'yellow' | 'red') =>
      db
        .select({ id: cases.id, caseNumber: cases.caseNumber, clock: cases.activeClock })
        .from(cases)
        .where(
          and(
            isNotNull(cases.activeClock),
            level === 'yellow' ? lte(cases.warnAt, now) : lt(cases.due, now),
            sql`NOT EXISTS (SELECT 1 FROM ${clockAlerts} a WHERE a.case_id = ${cases.id} AND a.step = ${cases.activeStep}
                AND a.started_at = ${cases.clockStartedAt} AND a.level = ${level})`,
          ),
        )
        .all();
    const raised: ClockAlert[] = [];
    const at = new Date(now).toISOString();
    db.$client.transaction(() => {
      for (const level of ['yellow', 'red'] as const) {
        for (const r of candidates(level)) {
          if (!r.clock) continue;
          const clock = JSON.parse(r.clock) as StepClock;
          const status = clockStatus(calendar, clock, now, thresholds);
          if (status.state !== 'running' || status.deadline === null) continue;
          if (level === 'red' ? !status.overdue : status.light === 'green') continue;
          const inserted = db
            .insert(clockAlerts)
            .values({
              caseId: r.id,
              step: clock.step,
              startedAt: clock.startedAt,
              level,
              deadline: status.deadline,
              at,
            })
            .onConflictDoNothing()
            .run();
          if (inserted.changes > 0)
            raised.push({ caseId: r.id, caseNumber: r.caseNumber, step: clock.step, level, deadline: status.deadline });
        }
      }
    })();
    if (raised.length) this.deps.onAlerts?.(raised);
    return raised;
  }
}
