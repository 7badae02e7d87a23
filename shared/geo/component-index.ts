import Flatbush from 'flatbush';
import { assertLonLat, fail, isLat, isLon } from './check.js';
import { haversineRaw, latSpanDeg, lonSpanDeg } from './distance.js';
import type { ComponentPoint, NearestHit } from './types.js';

interface Bucket<T> {
  /** Points of one category, added in input order (flatbush item i = items[i]). */
  readonly tree: Flatbush;
  readonly items: readonly T[];
  /** Item → position in the build input; breaks distance ties so results never depend on tree layout. */
  readonly inputIndex: Int32Array;
}

/**
 * Nearest components (部件) of one category around a WGS-84 point, e.g. "the manhole cover this report is about".
 *
 * Distances are haversine metres on a sphere. Flatbush's own `neighbors` ranks by planar distance in degrees,
 * which is anisotropic (a degree of longitude is shorter than one of latitude), so instead we search a lon/lat box
 * proven to contain the whole radius (see latSpanDeg/lonSpanDeg) and rank candidates by exact haversine distance:
 * nothing beyond the radius is returned and nothing within it is missed. Ties go to the earlier input component.
 */
export class ComponentIndex<T extends ComponentPoint> {
  // Per-query state read by `visit`, which flatbush calls for each candidate inside the search box.
  private bucket: Bucket<T> | undefined;
  private qLon = 0;
  private qLat = 0;
  private radiusM = 0;
  private k = 1;
  private found = 0;
  private readonly topDist: number[] = [];
  private readonly topInput: number[] = [];
  private readonly topItem: number[] = [];

  private constructor(
    private readonly deps: { readonly buckets: ReadonlyMap<string, Bucket<T>>; readonly size: number },
  ) {}

  /** Validates every component (errors name `components[i].field` and the rule) and indexes them by category. */
  static build<T extends ComponentPoint>(components: readonly T[]): ComponentIndex<T> {
    const grouped = new Map<string, { items: T[]; inputIndex: number[] }>();
    components.forEach((c, i) => {
      if (typeof c.category !== 'string' || c.category.length === 0) {
        fail(`components[${i}].category`, 'must be a non-empty string');
      }
      assertLonLat(c.lon, c.lat, `components[${i}]`);
      let group = grouped.get(c.category);
      if (group === undefined) {
        group = { items: [], inputIndex: [] };
        grouped.set(c.category, group);
      }
      group.items.push(c);
      group.inputIndex.push(i);
    });

    const buckets = new Map<string, Bucket<T>>();
    for (const [category, group] of grouped) {
      const tree = new Flatbush(group.items.length);
      for (const c of group.items) tree.add(c.lon, c.lat, c.lon, c.lat);
      tree.finish();
      buckets.set(category, { tree, items: group.items, inputIndex: Int32Array.from(group.inputIndex) });
    }
    return new ComponentIndex({ buckets, size: components.length });
  }

  /** Number of indexed components. */
  get size(): number {
    return this.deps.size;
  }

  /** Categories present in the index, in first-seen order. */
  categories(): string[] {
    return [...this.deps.buckets.keys()];
  }

  /**
   * Up to `k` components of `category` within `radiusM` metres of (lon, lat), nearest first. An unknown category
   * gives an empty list.
   */
  nearest(lon: number, lat: number, category: string, radiusM: number, k = 1): NearestHit<T>[] {
    if (!isLon(lon) || !isLat(lat)) assertLonLat(lon, lat);
    if (!(radiusM >= 0 && radiusM < Number.POSITIVE_INFINITY)) fail('radiusM', 'must be a finite number >= 0');
    if (!Number.isInteger(k) || k < 1) fail('k', 'must be an integer >= 1');
    const bucket = this.deps.buckets.get(category);
    if (bucket === undefined) return [];

    this.bucket = bucket;
    this.qLon = lon;
    this.qLat = lat;
    this.radiusM = radiusM;
    this.k = k;
    this.found = 0;

    const dLat = latSpanDeg(radiusM);
    const dLon = lonSpanDeg(lat, radiusM);
    const minY = Math.max(-90, lat - dLat);
    const maxY = Math.min(90, lat + dLat);
    const west = lon - dLon;
    const east = lon + dLon;
    const { tree } = bucket;
    if (dLon >= 180) {
      tree.search(-180, minY, 180, maxY, this.visit);
    } else {
      // Near the antimeridian the box wraps, so search its other part as well (the two parts never overlap).
      tree.search(Math.max(-180, west), minY, Math.min(180, east), maxY, this.visit);
      if (west < -180) tree.search(west + 360, minY, 180, maxY, this.visit);
      if (east > 180) tree.search(-180, minY, east - 360, maxY, this.visit);
    }

    const hits: NearestHit<T>[] = [];
    for (let i = 0; i < this.found; i++) {
      const component = bucket.items[this.topItem[i] ?? -1];
      const distanceM = this.topDist[i];
      if (component !== undefined && distanceM !== undefined) hits.push({ component, distanceM });
    }
    this.bucket = undefined;
    return hits;
  }

  // Keeps the k best candidates sorted by (distance, input index); always answers false so flatbush collects nothing.
  private readonly visit = (item: number, x: number, y: number): boolean => {
    const d = haversineRaw(this.qLon, this.qLat, x, y);
    if (d > this.radiusM) return false;
    const input = this.bucket?.inputIndex[item] ?? item;
    const { topDist, topInput, topItem } = this;
    let pos = this.found;
    if (pos === this.k) {
      if (!isBefore(d, input, topDist[pos - 1] ?? 0, topInput[pos - 1] ?? 0)) return false;
      pos--;
    } else {
      this.found++;
    }
    while (pos > 0 && isBefore(d, input, topDist[pos - 1] ?? 0, topInput[pos - 1] ?? 0)) {
      topDist[pos] = topDist[pos - 1] ?? 0;
      topInput[pos] = topInput[pos - 1] ?? 0;
      topItem[pos] = topItem[pos - 1] ?? 0;
      pos--;
    }
    topDist[pos] = d;
    topInput[pos] = input;
    topItem[pos] = item;
    return false;
  };
}

function isBefore(d: number, input: number, otherD: number, otherInput: number): boolean {
  return d < otherD || (d === otherD && input < otherInput);
}
