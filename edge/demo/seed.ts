import { eq } from 'drizzle-orm';
import { type BaseDataKind, type ImportResult, importBaseData } from '../basedata/index.js';
import type { EdgeDb } from '../db/open.js';
import { nodeState } from '../db/schema.js';
import type { EdgeNode } from '../main.js';
import { CASE_CATEGORIES } from './catalogue.js';
import type { DemoClock } from './clock.js';
import { makeComponents } from './components.js';
import { type DemoDepartment, departmentsCsv, makeDepartments, squadOf, streetOfficeId } from './departments.js';
import { type DemoDistrict, gridsGeoJson, makeDistrict } from './district.js';
import { type HistoryResult, writeHistory } from './history.js';
import { planCases } from './plans.js';
import { Random } from './random.js';
import { type DemoSummary, summarizeDemo } from './summary.js';
import { responsibilitiesCsv, standardsCsv } from './tables.js';
import { createDemoUsers, type DemoUserSpec, demoUserSpecs } from './users.js';

/** Sizes and seed of a demo district; the defaults are Liyang old town's scale (DOMAIN.md §9). */
export interface DemoOptions {
  seed: number;
  grids: number;
  streets: number;
  communitiesPerStreet: number;
  components: number;
  cases: number;
  /** Days of case history, ending at `endAt`. */
  days: number;
  /** The last instant of the history (epoch ms); not in the future. */
  endAt: number;
  collectors: number;
  /** Cases kept in each open status at the end (at least 1). */
  openPerStatus: number;
}

export const DEMO_DIVISION = '320481';

/** Liyang old town: ~3,800 grids in 8 streets × 5 communities, 150,000 components, three months of cases. */
export function demoDefaults(endAt: number): DemoOptions {
  return {
    seed: 320481,
    grids: 3800,
    streets: 8,
    communitiesPerStreet: 5,
    components: 150_000,
    cases: 400,
    days: 90,
    endAt,
    collectors: 4,
    openPerStatus: 3,
  };
}

/** A small district for tests and quick tries: 2 streets × 2 communities, ~200 grids, 2,000 components, 50 cases. */
export function demoSmall(endAt: number): DemoOptions {
  return {
    ...demoDefaults(endAt),
    grids: 200,
    streets: 2,
    communitiesPerStreet: 2,
    components: 2000,
    cases: 50,
    collectors: 2,
    openPerStatus: 1,
  };
}

type Shape = Pick<DemoOptions, 'seed' | 'grids' | 'streets' | 'communitiesPerStreet' | 'components'>;

/** The district's layout and departments (fast); components come separately (the bulk of the data). */
export function generateDistrict(opts: Shape): { district: DemoDistrict; departments: DemoDepartment[] } {
  const random = new Random(opts.seed);
  const district = makeDistrict(
    {
      division: DEMO_DIVISION,
      name: '溧阳市',
      centre: [119.484, 31.416],
      streets: opts.streets,
      communitiesPerStreet: opts.communitiesPerStreet,
      grids: opts.grids,
      cellM: 100,
    },
    random.fork(1),
  );
  return { district, departments: makeDepartments(DEMO_DIVISION, district.streets, random.fork(2)) };
}

/** The base data of a demo district in the importers' file formats, plus the components the history reports. */
export interface DemoBaseData {
  district: DemoDistrict;
  departments: DemoDepartment[];
  files: { grids: string; departments: string; components: string; responsibilities: string; standards: string };
  componentsByCategory: ReturnType<typeof makeComponents>['byCategory'];
}

/** Generates the base data files; pure and deterministic from `opts.seed`. */
export function generateBaseData(opts: Shape): DemoBaseData {
  const { district, departments } = generateDistrict(opts);
  const keep = new Set(CASE_CATEGORIES.filter((c) => c.kind === 'component').map((c) => c.code));
  const components = makeComponents(district, departments, opts.components, keep, new Random(opts.seed).fork(3));
  return {
    district,
    departments,
    componentsByCategory: components.byCategory,
    files: {
      grids: gridsGeoJson(district),
      departments: departmentsCsv(departments),
      components: components.csv,
      responsibilities: responsibilitiesCsv(district),
      standards: standardsCsv(),
    },
  };
}

/** The departments that receive demo cases (each gets a handler user). */
export function handlerDepartments(district: DemoDistrict, departments: readonly DemoDepartment[]): DemoDepartment[] {
  const ids = new Set<string>();
  for (const { responsible: who } of CASE_CATEGORIES) {
    for (const street of district.streets) {
      const squad = squadOf(street, district.streets.length);
      ids.add(who === 'street' ? streetOfficeId(street) : who === 'squad' ? squad : who);
    }
  }
  return departments.filter((d) => ids.has(d.id));
}

/** node_state key of the demo marker: `seeding` while the seed runs, then `done`. */
export const DEMO_STATE_KEY = 'demo.seed';

/** What a data dir holds: nothing, a demo being (or interrupted while being) seeded, a seeded demo, other data. */
export function dataDirState(db: EdgeDb): 'empty' | 'seeding' | 'demo' | 'data' {
  const marker = db.select({ value: nodeState.value }).from(nodeState).where(eq(nodeState.key, DEMO_STATE_KEY)).get();
  if (marker) return (JSON.parse(marker.value) as { state: string }).state === 'done' ? 'demo' : 'seeding';
  const row = db.$client
    .prepare(
      'SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM grids) OR EXISTS (SELECT 1 FROM events) AS used',
    )
    .get() as { used: number };
  return row.used ? 'data' : 'empty';
}

function mark(db: EdgeDb, value: Record<string, unknown>): void {
  const text = JSON.stringify(value);
  db.insert(nodeState)
    .values({ key: DEMO_STATE_KEY, value: text })
    .onConflictDoUpdate({ target: nodeState.key, set: { value: text } })
    .run();
}

export interface DemoSeedReport {
  options: DemoOptions;
  /** What each importer wrote, with its warnings (a clean demo has none). */
  imported: Partial<Record<BaseDataKind, ImportResult>>;
  users: DemoUserSpec[];
  history: HistoryResult;
  summary: DemoSummary;
  /** Milliseconds per phase. */
  timings: Record<'generate' | 'import' | 'users' | 'history' | 'total', number>;
}

export type SeedLog = (message: string) => void;

const DAY = 86_400_000;

function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

/**
 * Seeds a demo district into an empty node whose `now` is `clock.now`: base data through the basedata importers in
 * one transaction, users through the auth service, and the case history through the intake and workflow services
 * with the clock held at each step's instant from `endAt - days` to `endAt`. Releases the clock at the end. A
 * `seeding` marker in node_state stays behind if the process dies half-way, so an interrupted seed is recognisable.
 */
export async function seedDemo(
  node: EdgeNode,
  clock: DemoClock,
  opts: DemoOptions,
  log: SeedLog = () => {},
): Promise<DemoSeedReport> {
  const state = dataDirState(node.db);
  if (state !== 'empty') {
    throw new Error(`${node.config.dataDir} is not empty (${state}): the demo seeds only an empty data dir`);
  }
  const started = performance.now();
  const lap = stopwatch();
  const start = opts.endAt - opts.days * DAY;
  try {
    clock.hold(start);
    mark(node.db, { state: 'seeding', seed: opts.seed });
    const base = generateBaseData(opts);
    const generateMs = lap();
    log(
      `generated ${base.district.grids.length} grids, ${base.departments.length} departments, ${opts.components} components`,
    );
    const imported = importBaseData(node.db, base.files, { mode: 'replace' });
    node.geocoder.reload();
    const importMs = lap();
    log('imported the base data through the basedata importers');
    // After the import, not beside it: scrypt is memory-hard, and four hashes at once slow the import more than
    // they save.
    const users = await createDemoUsers(
      node.services.auth,
      demoUserSpecs(opts.collectors, handlerDepartments(base.district, base.departments)),
    );
    const usersMs = lap();
    log(`created ${users.length} users`);
    const plans = planCases(
      opts.cases,
      { start, end: opts.endAt },
      opts.seed,
      Math.max(1, opts.openPerStatus),
      node.config.calendar,
    );
    const history = writeHistory(
      {
        db: node.db,
        services: node.services,
        calendar: node.config.calendar,
        clock,
        district: base.district,
        components: base.componentsByCategory,
        accounts: users,
      },
      plans,
      opts.endAt,
    );
    const historyMs = lap();
    log(`wrote ${plans.length} cases (${history.actions} steps) through the intake and workflow services`);
    const summary = summarizeDemo(node.db, node.config.calendar, opts.endAt);
    mark(node.db, { state: 'done', seed: opts.seed, cases: plans.length, endAt: new Date(opts.endAt).toISOString() });
    return {
      options: opts,
      imported,
      users: users.map(({ principal: _, ...spec }) => spec),
      history,
      summary,
      timings: {
        generate: generateMs,
        import: importMs,
        users: usersMs,
        history: historyMs,
        total: Math.round(performance.now() - started),
      },
    };
  } finally {
    clock.release();
  }
}
