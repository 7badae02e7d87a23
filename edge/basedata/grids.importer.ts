import { parseGridCode } from '../../shared/codes/index.js';
import { gridFeaturesSchema } from '../../shared/geo/grid-schema.js';
import type { GridGeometry, Position } from '../../shared/geo/index.js';
import { formatPath } from '../../shared/validation.js';
import type { EdgeDb } from '../db/open.js';
import { grids } from '../db/schema.js';
import {
  type BaseDataImporter,
  finishParse,
  type ImportOptions,
  type ImportResult,
  type ParseResult,
  runImport,
} from './importer.js';
import { KeyRegistry, ProblemLog, RowCheck } from './problems.js';
import { type FeatureRecord, readFeatureCollection, requireColumns, warnUnknownColumns } from './source.js';
import { cellText, lonLatProblem, optionalText, requireText } from './values.js';
import type { TableSpec } from './writer.js';

/** One unit grid as stored; street and community codes are derived from the code (grids nest, DOMAIN.md §5). */
export interface GridRow {
  code: string;
  streetCode: string;
  streetName: string | null;
  communityCode: string;
  communityName: string | null;
  /** GeoJSON geometry (Polygon or MultiPolygon, WGS-84) as JSON text. */
  geometry: string;
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** Feature properties a grid file may carry; streetCode/communityCode, when given, must match the code. */
export const GRID_PROPERTIES = ['code', 'streetName', 'communityName', 'streetCode', 'communityCode'] as const;

// The same geometry rules GridIndex.build applies, so every stored grid can be indexed later.
const geometrySchema = gridFeaturesSchema.element.shape.geometry;

function positionsOf(geometry: GridGeometry): Position[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings) => rings.flat());
}

/** Walks `path` into `value` (for naming the position a zod issue points at). */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/** Validates the geometry: returns it with its bbox, or logs one problem (the first rule broken). */
function checkGeometry(
  check: RowCheck,
  raw: unknown,
): { geometry: GridGeometry; bbox: [number, number, number, number] } | undefined {
  const result = geometrySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    // A degree-range failure on a projected position gets the projected-coordinates reason instead.
    const position = at(raw, path.slice(0, -1));
    const projected =
      Array.isArray(position) && typeof position[0] === 'number' && typeof position[1] === 'number'
        ? lonLatProblem(position[0], position[1])
        : undefined;
    const column = formatPath(['geometry', ...path.slice(0, projected ? -1 : undefined)]);
    check.fail(column, projected ?? issue?.message ?? 'invalid geometry');
    return undefined;
  }
  const geometry: GridGeometry = result.data;
  let minLon = Number.POSITIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const [lon = Number.NaN, lat = Number.NaN] of positionsOf(geometry)) {
    const problem = lonLatProblem(lon, lat);
    if (problem) {
      check.fail('geometry.coordinates', problem);
      return undefined;
    }
    minLon = Math.min(minLon, lon);
    minLat = Math.min(minLat, lat);
    maxLon = Math.max(maxLon, lon);
    maxLat = Math.max(maxLat, lat);
  }
  return { geometry, bbox: [minLon, minLat, maxLon, maxLat] };
}

/** Names must agree across the grids of one street or community. */
class NameRegistry {
  readonly #names = new Map<string, { name: string; row: number }>();

  check(check: RowCheck, column: string, code: string, name: string | null): void {
    if (name === null) return;
    const earlier = this.#names.get(code);
    if (!earlier) this.#names.set(code, { name, row: check.row });
    else if (earlier.name !== name) {
      check.fail(column, `${code} is named "${earlier.name}" on row ${earlier.row}, got "${name}"`);
    }
  }
}

function parseFeature(
  check: RowCheck,
  feature: FeatureRecord,
  streets: NameRegistry,
  communities: NameRegistry,
): GridRow | undefined {
  const text = (column: string) => check.take(column, () => cellText(feature.get(column.toLowerCase()), column));
  const code = check.take('code', () => parseGridCode(requireText(text('code') ?? '', 'code'), 'code'));
  const streetName = check.take('streetName', () => requireText(text('streetName') ?? '', 'streetName'));
  const communityName = check.take('communityName', () => optionalText(text('communityName') ?? '', 'communityName'));
  const shape = checkGeometry(check, feature.geometry);
  if (code) {
    for (const [column, derived] of [
      ['streetCode', code.streetCode],
      ['communityCode', code.communityCode],
    ] as const) {
      const given = text(column);
      if (given && given !== derived)
        check.fail(column, `must be ${derived} (the first digits of code ${code.code}), got ${given}`);
    }
    if (streetName !== undefined) streets.check(check, 'streetName', code.streetCode, streetName);
    if (communityName !== undefined) communities.check(check, 'communityName', code.communityCode, communityName);
  }
  if (!check.ok || !code || streetName === undefined || communityName === undefined || !shape) return undefined;
  const [minLon, minLat, maxLon, maxLat] = shape.bbox;
  return {
    code: code.code,
    streetCode: code.streetCode,
    streetName,
    communityCode: code.communityCode,
    communityName,
    geometry: JSON.stringify({ type: shape.geometry.type, coordinates: shape.geometry.coordinates }),
    minLon,
    minLat,
    maxLon,
    maxLat,
  };
}

/** Parses a GeoJSON FeatureCollection of unit grids; throws ImportError listing every bad feature. */
export function parseGrids(text: string): ParseResult<GridRow> {
  const log = new ProblemLog();
  const warnings = new ProblemLog();
  const rows: GridRow[] = [];
  const table = readFeatureCollection(text, log);
  if (table && table.records.length > 0 && requireColumns(table, ['code', 'streetName'], log)) {
    warnUnknownColumns(table, GRID_PROPERTIES, warnings);
    const keys = new KeyRegistry();
    const streets = new NameRegistry();
    const communities = new NameRegistry();
    for (const feature of table.records) {
      const check = new RowCheck(log, feature.row);
      const row = parseFeature(check, feature, streets, communities);
      if (row && keys.claim(check, 'code', row.code)) rows.push(row);
    }
  }
  return finishParse('grids', log, rows, warnings);
}

export const gridsSpec: TableSpec<GridRow> = {
  table: grids,
  columns: {
    code: grids.code,
    streetCode: grids.streetCode,
    streetName: grids.streetName,
    communityCode: grids.communityCode,
    communityName: grids.communityName,
    geometry: grids.geometry,
    minLon: grids.minLon,
    minLat: grids.minLat,
    maxLon: grids.maxLon,
    maxLat: grids.maxLat,
  },
  key: ['code'],
};

export const gridsImporter: BaseDataImporter<GridRow> = {
  kind: 'grids',
  spec: gridsSpec,
  parse: (text) => parseGrids(text),
};

/** Imports unit grids (GeoJSON) in one transaction; a file with any bad feature writes nothing. */
export function importGrids(db: EdgeDb, text: string, opts: ImportOptions): ImportResult {
  return runImport(db, gridsImporter, text, opts);
}
