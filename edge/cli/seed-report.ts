import type { DemoSeedReport } from '../demo/seed.js';
import { n, seconds } from './io.js';

/** What a demo seed wrote and how long each phase took, for people. */
export function seedReportLines(report: DemoSeedReport): string[] {
  const s = report.summary;
  const o = s.outcomes;
  const open = Object.entries(s.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  const t = report.timings;
  return [
    `seeded the demo district in ${seconds(t.total)} (generate ${seconds(t.generate)}, import ${seconds(t.import)}, users ${seconds(t.users)}, history ${seconds(t.history)})`,
    `  base data: ${n(s.grids)} grids in ${s.streets} streets / ${s.communities} communities, ${s.departments} departments, ${n(s.components)} components in ${s.componentCategories} categories, ${n(s.responsibilities)} responsibility rows, ${s.standards} standards rows`,
    `  cases: ${n(s.cases)} over ${report.options.days} days (${n(s.events)} events); ${open}`,
    `  outcomes: ${o.closedOnTime} closed on time, ${o.closedLate} closed late, ${o.reworked} reworked, ${o.returned} returned, ${o.extended} extended, ${o.extensionDenied} extension denied, ${o.postponedResumed} postponed and resumed, ${o.ledgerRestored} restored from the ledger, ${o.voided} voided, ${o.ledgered} ledgered, ${o.rejected} not filed, ${o.urged} urged, ${o.overdue} overdue now`,
  ];
}
