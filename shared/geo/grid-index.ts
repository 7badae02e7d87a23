import Flatbush from 'flatbush';
import pointInPolygon from 'point-in-polygon-hao';
import { parseOrThrow } from '../validation.js';
import { assertLonLat, fail, isLat, isLon } from './check.js';
import { gridFeaturesSchema, type ParsedGridFeature } from './grid-schema.js';
import type { GridFeature } from './types.js';

type Rings = number[][][];

interface GridIndexDeps {
  /** Spatial index over polygon parts (a MultiPolygon contributes one item per part); absent when empty. */
  readonly tree: Flatbush | undefined;
  /** Item → grid rank; ranks follow code order, so the smallest rank is the lowest code. */
  readonly partRank: Int32Array;
  /** Item → rings of that part (outer ring first, then holes), as point-in-polygon-hao expects them. */
  readonly partRings: readonly Rings[];
  /** Rank → grid code. */
  readonly codes: readonly string[];
}

/**
 * Point → unit grid lookup over WGS-84 polygons (with holes and MultiPolygons).
 *
 * Boundaries count as inside (edges and vertices of outer rings and holes). A point on an edge or vertex shared by
 * several grids goes to the lowest code, compared as plain strings (numeric order for equal-length 15-digit codes).
 * Grids tile a district without overlapping (DOMAIN.md §5), so a point strictly inside a grid ends the search there.
 * Where bad data does overlap, the answer is still the same for the same set of grids in any input order: the tree
 * is built from the grids sorted by code, so it is visited in a fixed order.
 */
export class GridIndex {
  private readonly point: number[] = [0, 0];
  // Rank of the best grid found by the current lookup; written by `visit`, which flatbush calls per candidate.
  private best = 0;
  // Hot-path copies of deps fields: one property load fewer per candidate in `visit`.
  private readonly partRank: Int32Array;
  private readonly partRings: readonly Rings[];

  private constructor(private readonly deps: GridIndexDeps) {
    this.partRank = deps.partRank;
    this.partRings = deps.partRings;
  }

  /** Validates the features (errors name `features[i]...` and the rule) and builds the index. */
  static build(features: readonly GridFeature[]): GridIndex {
    const parsed = parseOrThrow(gridFeaturesSchema, features, 'features');
    const ranked = rankByCode(parsed);

    const partRank: number[] = [];
    const partRings: Rings[] = [];
    ranked.forEach((feature, rank) => {
      const parts = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const rings of parts) {
        partRank.push(rank);
        partRings.push(rings);
      }
    });

    let tree: Flatbush | undefined;
    if (partRings.length > 0) {
      tree = new Flatbush(partRings.length);
      for (const rings of partRings) {
        // Valid data keeps holes inside the outer ring, so the outer ring's box bounds the whole part.
        const [minX, minY, maxX, maxY] = ringBox(rings[0] ?? []);
        tree.add(minX, minY, maxX, maxY);
      }
      tree.finish();
    }
    return new GridIndex({ tree, partRank: Int32Array.from(partRank), partRings, codes: ranked.map((f) => f.code) });
  }

  /** Number of grids (features) in the index. */
  get size(): number {
    return this.deps.codes.length;
  }

  /** The code of the grid containing (lon, lat), or undefined when the point is in no grid. */
  lookup(lon: number, lat: number): string | undefined {
    if (!isLon(lon) || !isLat(lat)) assertLonLat(lon, lat);
    const { tree, codes } = this.deps;
    if (tree === undefined) return undefined;
    this.point[0] = lon;
    this.point[1] = lat;
    this.best = codes.length;
    // `collides` stops at the first candidate the filter accepts: `visit` accepts only a strictly-inside hit.
    tree.collides(lon, lat, lon, lat, this.visit);
    return codes[this.best];
  }

  private readonly visit = (item: number): boolean => {
    const rank = this.partRank[item] ?? this.best;
    // A part of a higher-ranked grid cannot change the answer, so skip its polygon test.
    if (rank >= this.best) return false;
    const rings = this.partRings[item];
    if (rings === undefined) return false;
    const inside = pointInPolygon(this.point, rings);
    if (inside === false) return false;
    this.best = rank;
    // On a boundary (0) a lower code may share it, so keep searching; strictly inside, nothing else can hold it.
    return inside === true;
  };
}

function rankByCode(features: ParsedGridFeature[]): ParsedGridFeature[] {
  const entries = features.map((feature, index) => ({ feature, index }));
  entries.sort((a, b) =>
    a.feature.code < b.feature.code ? -1 : a.feature.code > b.feature.code ? 1 : a.index - b.index,
  );
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1];
    const cur = entries[i];
    if (prev && cur && prev.feature.code === cur.feature.code) {
      fail(`features[${cur.index}].code`, `must be unique (features[${prev.index}] has the same code)`);
    }
  }
  return entries.map((e) => e.feature);
}

function ringBox(ring: readonly (readonly number[])[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    const x = p[0] ?? Number.NaN;
    const y = p[1] ?? Number.NaN;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}
