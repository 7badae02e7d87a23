import type { CaseState } from '../../shared/case/state.js';
import { countsForOverdue } from '../../shared/case/status.js';
import { clockStatus, type WorkingCalendar } from '../../shared/clock/index.js';
import type { EdgeDb } from '../db/open.js';

/** What a demo data dir holds, counted from the db (not from the generator's intentions). */
export interface DemoSummary {
  grids: number;
  streets: number;
  communities: number;
  departments: number;
  components: number;
  componentCategories: number;
  responsibilities: number;
  standards: number;
  users: number;
  cases: number;
  events: number;
  byStatus: Record<string, number>;
  outcomes: {
    closedOnTime: number;
    closedLate: number;
    reworked: number;
    returned: number;
    extended: number;
    extensionDenied: number;
    postponedResumed: number;
    ledgerRestored: number;
    voided: number;
    ledgered: number;
    rejected: number;
    urged: number;
    overdue: number;
  };
}

const count = (db: EdgeDb, sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;

const approved = (c: CaseState, op: string) => c.specialOps.some((o) => o.op === op && o.decision?.approved === true);

/** Counts base data, users and cases by status and by outcome; overdue = open and past its deadline at `now`. */
export function summarizeDemo(db: EdgeDb, calendar: WorkingCalendar, now: number): DemoSummary {
  const outcomes: DemoSummary['outcomes'] = {
    closedOnTime: 0,
    closedLate: 0,
    reworked: 0,
    returned: 0,
    extended: 0,
    extensionDenied: 0,
    postponedResumed: 0,
    ledgerRestored: 0,
    voided: 0,
    ledgered: 0,
    rejected: 0,
    urged: 0,
    overdue: 0,
  };
  const byStatus: Record<string, number> = {};
  const rows = db.$client.prepare('SELECT state, deadline FROM cases').iterate() as IterableIterator<{
    state: string;
    deadline: number | null;
  }>;
  let cases = 0;
  for (const row of rows) {
    cases++;
    const c = JSON.parse(row.state) as CaseState;
    byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    const handle = c.clocks.handle;
    if (c.status === 'closed' && handle) {
      const status = clockStatus(calendar, handle, now);
      if (status.state === 'stopped' && status.onTime) outcomes.closedOnTime++;
      else outcomes.closedLate++;
    }
    if (c.reworkCount > 0) outcomes.reworked++;
    if (c.returnCount > 0) outcomes.returned++;
    if (approved(c, 'extension')) outcomes.extended++;
    if (c.specialOps.some((o) => o.op === 'extension' && o.decision?.approved === false)) outcomes.extensionDenied++;
    if (approved(c, 'postpone') && c.status !== 'postponed') outcomes.postponedResumed++;
    if (approved(c, 'ledger') && c.status !== 'ledgered') outcomes.ledgerRestored++;
    if (c.status === 'voided') outcomes.voided++;
    if (c.status === 'ledgered') outcomes.ledgered++;
    if (c.status === 'rejected') outcomes.rejected++;
    if (c.urges.length > 0) outcomes.urged++;
    if (countsForOverdue(c) && row.deadline !== null && row.deadline < now) outcomes.overdue++;
  }
  return {
    grids: count(db, 'SELECT count(*) AS n FROM grids'),
    streets: count(db, 'SELECT count(DISTINCT street_code) AS n FROM grids'),
    communities: count(db, 'SELECT count(DISTINCT community_code) AS n FROM grids'),
    departments: count(db, 'SELECT count(*) AS n FROM departments'),
    components: count(db, 'SELECT count(*) AS n FROM components'),
    componentCategories: count(db, 'SELECT count(DISTINCT category_code) AS n FROM components'),
    responsibilities: count(db, 'SELECT count(*) AS n FROM responsibilities'),
    standards: count(db, 'SELECT count(*) AS n FROM standards'),
    users: count(db, 'SELECT count(*) AS n FROM users'),
    cases,
    events: count(db, 'SELECT count(*) AS n FROM events'),
    byStatus,
    outcomes,
  };
}
