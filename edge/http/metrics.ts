import { sql } from 'drizzle-orm';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EdgeDb } from '../db/open.js';
import { cases } from '../db/schema.js';

/** The appliance's Prometheus metrics; case gauges are read from the projection when scraped. */
export class EdgeMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'wanmi_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'wanmi_http_request_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly casesByQueue = new Gauge({
    name: 'wanmi_cases',
    help: 'cases by work queue (done = closed, rejected or voided)',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  private readonly overdue = new Gauge({
    name: 'wanmi_cases_overdue',
    help: 'cases whose running clock is past its deadline',
    registers: [this.registry],
  });

  constructor(
    private readonly db: EdgeDb,
    private readonly now: () => number,
  ) {
    collectDefaultMetrics({ register: this.registry });
  }

  refresh(): void {
    // Both read indexes only (queue, due): a scrape must not scan the case documents.
    this.casesByQueue.reset();
    for (const r of this.db
      .select({ queue: cases.queue, n: sql<number>`count(*)` })
      .from(cases)
      .groupBy(cases.queue)
      .all()) {
      this.casesByQueue.set({ queue: r.queue }, r.n);
    }
    const overdue = this.db
      .select({ n: sql<number>`count(*)` })
      .from(cases)
      .where(sql`${cases.due} < ${this.now()}`)
      .get();
    this.overdue.set(overdue?.n ?? 0);
  }
}
