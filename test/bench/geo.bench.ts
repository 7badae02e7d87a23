import Flatbush from 'flatbush';
import { latSpanDeg } from '../../shared/geo/distance.js';
import { ComponentIndex, type GridFeature, GridIndex } from '../../shared/geo/index.js';
import { seededRandom } from './fixtures/random.js';
import { categoryCodes, makeComponents, weightedPicker } from './fixtures/synthetic-components.js';
import { liyangDistrict, makeDistrict } from './fixtures/synthetic-district.js';
import { comparePaired } from './measure.js';

// The goal for point → grid lookups on a 4,000-grid district.
const GRID_GOAL_PER_S = 500_000;
const GRID_GOAL_RATIO = 0.5;
const QUERY_POINTS = 200_000;
const COMPONENTS = 800_000;
const CATEGORIES = 92;
const RADIUS_M = 50;
const NEAREST_QUERIES = 100_000;
// Short paired rounds (see comparePaired): 25 timed rounds of 20,000 operations per side after 5 warm-up rounds.
const TIMING = { chunk: 20_000, rounds: 25, warmupRounds: 5 } as const;

function log(message: string): void {
  process.stderr.write(`  geo: ${message}\n`);
}

function timed<T>(label: string, build: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = build();
  const ms = Math.round(performance.now() - start);
  log(`${label} in ${ms} ms`);
  return { value, ms };
}

/** The same bbox per grid that GridIndex indexes, for the raw Flatbush baseline. */
function rawGridTree(features: readonly GridFeature[]): Flatbush {
  const tree = new Flatbush(features.length);
  for (const f of features) {
    const outer = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]?.[0];
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of outer ?? []) {
      const [x = Number.NaN, y = Number.NaN] = p;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    tree.add(minX, minY, maxX, maxY);
  }
  tree.finish();
  return tree;
}

function gridLookups(): Record<string, unknown> {
  const district = timed('generated 4,000-grid district', () => makeDistrict(liyangDistrict)).value;
  const { features, bbox } = district;
  const index = timed('built GridIndex', () => GridIndex.build(features));
  const raw = timed('built raw Flatbush', () => rawGridTree(features)).value;

  // Uniform points over the district box stretched 2 % each side, so a few fall outside every grid.
  const random = seededRandom(7);
  const [west, south, east, north] = bbox;
  const xs = new Float64Array(QUERY_POINTS);
  const ys = new Float64Array(QUERY_POINTS);
  for (let i = 0; i < QUERY_POINTS; i++) {
    xs[i] = west + (east - west) * (random() * 1.04 - 0.02);
    ys[i] = south + (north - south) * (random() * 1.04 - 0.02);
  }
  log('timing point → grid lookups');
  const grid = index.value;
  const rates = comparePaired({
    ours: (start, end) => {
      let hits = 0;
      for (let i = start; i < end; i++) if (grid.lookup(xs[i] ?? 0, ys[i] ?? 0) !== undefined) hits++;
      return hits;
    },
    raw: (start, end) => {
      let candidates = 0;
      for (let i = start; i < end; i++) {
        const x = xs[i] ?? 0;
        const y = ys[i] ?? 0;
        candidates += raw.search(x, y, x, y).length;
      }
      return candidates;
    },
    ...TIMING,
    count: QUERY_POINTS,
  });
  return {
    value: Math.round(rates.ours),
    unit: 'lookups/s',
    limit: GRID_GOAL_PER_S,
    raw: Math.round(rates.raw),
    ratio: round(rates.ratio),
    goal: `ours >= ${GRID_GOAL_PER_S} lookups/s and ours/raw >= ${GRID_GOAL_RATIO}`,
    met: rates.ours >= GRID_GOAL_PER_S && rates.ratio >= GRID_GOAL_RATIO,
    rounds: { ours: rates.roundsOurs, raw: rates.roundsRaw, opsPerRound: TIMING.chunk },
    district: {
      grids: features.length,
      communities: liyangDistrict.communitiesX * liyangDistrict.communitiesY,
      concaveBends: district.concave,
      gridsWithHoles: district.holes,
      queryPoints: QUERY_POINTS,
      hitShare: round(rates.oursPerOp),
    },
    buildMs: index.ms,
  };
}

function nearestComponents(): Record<string, unknown> {
  const bbox = makeDistrict(liyangDistrict).bbox;
  const categories = categoryCodes(CATEGORIES);
  const components = timed('generated 800,000 components', () =>
    makeComponents(11, COMPONENTS, categories, bbox),
  ).value;
  const index = timed('built ComponentIndex', () => ComponentIndex.build(components));
  const raw = timed('built raw per-category Flatbush', () => {
    const byCategory = new Map<string, { lon: number; lat: number }[]>();
    for (const c of components) {
      const list = byCategory.get(c.category) ?? [];
      list.push(c);
      byCategory.set(c.category, list);
    }
    const trees = new Map<string, Flatbush>();
    for (const [category, list] of byCategory) {
      const tree = new Flatbush(list.length);
      for (const c of list) tree.add(c.lon, c.lat, c.lon, c.lat);
      tree.finish();
      trees.set(category, tree);
    }
    return trees;
  }).value;

  const random = seededRandom(13);
  const pick = weightedPicker(categories, random);
  const [west, south, east, north] = bbox;
  const xs = new Float64Array(NEAREST_QUERIES);
  const ys = new Float64Array(NEAREST_QUERIES);
  const cats: string[] = [];
  const trees: Flatbush[] = [];
  for (let i = 0; i < NEAREST_QUERIES; i++) {
    xs[i] = west + (east - west) * random();
    ys[i] = south + (north - south) * random();
    const category = pick();
    cats.push(category);
    const tree = raw.get(category);
    if (tree === undefined) throw new Error(`no components generated for category ${category}`);
    trees.push(tree);
  }
  // The raw baseline ranks by planar degrees; its radius is the metre radius in degrees of latitude.
  const rawRadiusDeg = latSpanDeg(RADIUS_M);
  log('timing nearest-component queries');
  const components50m = index.value;
  const rates = comparePaired({
    ours: (start, end) => {
      let hits = 0;
      for (let i = start; i < end; i++)
        hits += components50m.nearest(xs[i] ?? 0, ys[i] ?? 0, cats[i] ?? '', RADIUS_M).length;
      return hits;
    },
    raw: (start, end) => {
      let hits = 0;
      for (let i = start; i < end; i++)
        hits += trees[i]?.neighbors(xs[i] ?? 0, ys[i] ?? 0, 1, rawRadiusDeg).length ?? 0;
      return hits;
    },
    ...TIMING,
    count: NEAREST_QUERIES,
  });
  return {
    value: Math.round(rates.ours),
    unit: 'queries/s',
    limit: null,
    raw: Math.round(rates.raw),
    ratio: round(rates.ratio),
    goal: 'none set; ours = exact haversine k=1 within the radius, raw = flatbush neighbors in planar degrees',
    rounds: { ours: rates.roundsOurs, raw: rates.roundsRaw, opsPerRound: TIMING.chunk },
    components: COMPONENTS,
    categories: CATEGORIES,
    radiusM: RADIUS_M,
    k: 1,
    queries: NEAREST_QUERIES,
    hitShare: round(rates.oursPerOp),
    buildMs: index.ms,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Point → grid lookups and nearest-component queries, each against the raw Flatbush query in the same run. */
export async function run(): Promise<Record<string, unknown>> {
  const start = performance.now();
  const gridLookup = gridLookups();
  const nearestComponent = nearestComponents();
  return { gridLookup, nearestComponent, durationS: round((performance.now() - start) / 1000) };
}
