import {
  type CategoryDirectory,
  parseComponentId,
  parseGbtComponentId,
  parseGridCode,
} from '../../shared/codes/index.js';
import { ValidationError } from '../../shared/validation.js';
import type { EdgeDb } from '../db/open.js';
import { components } from '../db/schema.js';
import { parseCreditCode } from './credit-code.js';
import {
  type BaseDataImporter,
  finishParse,
  type ImportOptions,
  type ImportResult,
  type ParseContext,
  type ParseResult,
  runImport,
} from './importer.js';
import { KeyRegistry, ProblemLog, RowCheck } from './problems.js';
import { readCsv, readFeatureCollection, type SourceRecord, type Tabular, warnUnknownColumns } from './source.js';
import { cellText, lonLatProblem, optionalText, parseDecimal, parseOptionalDate } from './values.js';
import type { TableSpec } from './writer.js';

/** A management component (部件) as stored: GB/T 47678.5 table 2 attributes, lon/lat in WGS-84/CGCS2000. */
export interface ComponentRow {
  id: string;
  categoryCode: string;
  name: string | null;
  deptCode: string | null;
  deptName: string | null;
  ownerCode: string | null;
  ownerName: string | null;
  maintainerCode: string | null;
  maintainerName: string | null;
  gridCode: string | null;
  status: string | null;
  lon: number;
  lat: number;
  initialDate: string | null;
  changeDate: string | null;
  dataSource: string | null;
  note: string | null;
}

/** gbt47678: GB/T 47678.5-2026 field names (GLBJBSM…); cjt214: legacy CJ/T 214-2007 names (ObjID…). */
export type ComponentHeaderSet = 'gbt47678' | 'cjt214';

/** 部件状态 (GB/T 47678.5): the only values GLBJZT / ObjState may hold. */
export const componentStatuses = ['完好', '破损', '丢失', '废弃', '移除'] as const;

type Parser = (value: string, column: string) => string | null;
type TextKey = Exclude<keyof ComponentRow, 'id' | 'categoryCode' | 'lon' | 'lat'>;

const text: Parser = (value, column) => optionalText(value, column);
const creditCode: Parser = (value, column) => (value === '' ? null : parseCreditCode(value, column));
const gridCode: Parser = (value, column) => (value === '' ? null : parseGridCode(value, column).code);
const status: Parser = (value, column) => {
  if (value === '') return null;
  if (!(componentStatuses as readonly string[]).includes(value)) {
    throw new ValidationError(column, `must be one of ${componentStatuses.join('/')}, got "${value}"`);
  }
  return value;
};

// Legacy department codes are whatever the city used before GB/T 47678.5 (often internal numbers), so only the
// GB/T header set is held to the unified social credit code.
const FIELDS: readonly { key: TextKey; gbt47678: string; cjt214: string; parse: Parser; legacyParse?: Parser }[] = [
  { key: 'name', gbt47678: 'GLBJMC', cjt214: 'ObjName', parse: text },
  { key: 'deptCode', gbt47678: 'ZGBMDM', cjt214: 'DeptCode1', parse: creditCode, legacyParse: text },
  { key: 'deptName', gbt47678: 'ZGBMMC', cjt214: 'DeptName1', parse: text },
  { key: 'ownerCode', gbt47678: 'QSDWDM', cjt214: 'DeptCode2', parse: creditCode, legacyParse: text },
  { key: 'ownerName', gbt47678: 'QSDWMC', cjt214: 'DeptName2', parse: text },
  { key: 'maintainerCode', gbt47678: 'YHDWDM', cjt214: 'DeptCode3', parse: creditCode, legacyParse: text },
  { key: 'maintainerName', gbt47678: 'YHDWMC', cjt214: 'DeptName3', parse: text },
  { key: 'gridCode', gbt47678: 'SZDYWGBSM', cjt214: 'BGID', parse: gridCode },
  { key: 'status', gbt47678: 'GLBJZT', cjt214: 'ObjState', parse: status },
  { key: 'initialDate', gbt47678: 'CSRQ', cjt214: 'ORDate', parse: parseOptionalDate },
  { key: 'changeDate', gbt47678: 'BGRQ', cjt214: 'CHDate', parse: parseOptionalDate },
  { key: 'dataSource', gbt47678: 'SJLY', cjt214: 'DataSource', parse: text },
  { key: 'note', gbt47678: 'BZ', cjt214: 'Note', parse: text },
];

const ID_COLUMN = { gbt47678: 'GLBJBSM', cjt214: 'ObjID' } as const;

/** Coordinate column pairs, in order of preference; X is the longitude (easting), Y the latitude. */
export const COORDINATE_COLUMNS = [
  ['X', 'Y'],
  ['lon', 'lat'],
  ['longitude', 'latitude'],
] as const;

/** All column names each header set understands (for the unknown-column warning and the README). */
export function componentColumns(set: ComponentHeaderSet): string[] {
  return [ID_COLUMN[set], ...FIELDS.map((f) => f[set]), ...COORDINATE_COLUMNS.flat()];
}

function detectHeaderSet(table: Tabular, log: ProblemLog): ComponentHeaderSet | undefined {
  const gbt = table.has('glbjbsm');
  const legacy = table.has('objid');
  if (gbt && legacy) {
    log.add(
      table.headerRow,
      'ObjID',
      'has both GLBJBSM (GB/T 47678.5) and ObjID (CJ/T 214) columns: use one header set',
    );
    return undefined;
  }
  if (!gbt && !legacy) {
    log.add(table.headerRow, 'GLBJBSM', 'missing column: expected GLBJBSM (GB/T 47678.5) or ObjID (CJ/T 214)');
    return undefined;
  }
  return gbt ? 'gbt47678' : 'cjt214';
}

interface Point {
  lon: number;
  lat: number;
}

/** Reads the point of one record: the GeoJSON geometry when there is one, else the coordinate columns. */
type PointReader = (check: RowCheck, record: SourceRecord & { geometry?: unknown }) => Point | undefined;

function columnPointReader(table: Tabular, log: ProblemLog): PointReader | undefined {
  const pair = COORDINATE_COLUMNS.find(([x, y]) => table.has(x.toLowerCase()) || table.has(y.toLowerCase()));
  if (!pair || !table.has(pair[0].toLowerCase()) || !table.has(pair[1].toLowerCase())) {
    const missing = pair ? pair.find((c) => !table.has(c.toLowerCase())) : 'X';
    log.add(table.headerRow, missing ?? 'X', 'missing column: coordinates need X and Y (or lon and lat) in degrees');
    return undefined;
  }
  const [xColumn, yColumn] = pair.map((c) => [c.toLowerCase(), table.label(c.toLowerCase())] as const);
  if (!xColumn || !yColumn) return undefined;
  return (check, record) => {
    const lon = check.cell(xColumn[1], record.get(xColumn[0]), parseDecimal);
    const lat = check.cell(yColumn[1], record.get(yColumn[0]), parseDecimal);
    if (lon === undefined || lat === undefined) return undefined;
    const problem = lonLatProblem(lon, lat);
    if (problem) {
      check.fail(xColumn[1], problem);
      return undefined;
    }
    return { lon, lat };
  };
}

function geometryPointReader(fallback: PointReader | undefined): PointReader {
  return (check, record) => {
    const geometry = record.geometry;
    if (geometry === null || geometry === undefined) {
      if (fallback) return fallback(check, record);
      check.fail('geometry', 'is missing: a component needs a Point geometry or X/Y properties');
      return undefined;
    }
    const g = geometry as { type?: unknown; coordinates?: unknown };
    const coordinates = Array.isArray(g.coordinates) ? (g.coordinates as unknown[]) : [];
    const [lon, lat] = coordinates;
    if (g.type !== 'Point' || typeof lon !== 'number' || typeof lat !== 'number') {
      check.fail('geometry', 'must be a GeoJSON Point with numeric [lon, lat] coordinates');
      return undefined;
    }
    const problem = lonLatProblem(lon, lat);
    if (problem) {
      check.fail('geometry.coordinates', problem);
      return undefined;
    }
    return { lon, lat };
  };
}

// Department, grid, date and status cells repeat across thousands of rows: validate each distinct value once.
function memo(parse: Parser): Parser {
  const seen = new Map<string, string | null>();
  return (value, column) => {
    const hit = seen.get(value);
    if (hit !== undefined) return hit;
    const result = parse(value, column);
    if (seen.size < 50_000) seen.set(value, result);
    return result;
  };
}

interface RowParser {
  set: ComponentHeaderSet;
  idLabel: string;
  point: PointReader;
  directory: CategoryDirectory;
  fields: { key: TextKey; column: string; label: string; parse: Parser }[];
  warnings: ProblemLog;
}

function parseId(
  check: RowCheck,
  record: SourceRecord,
  p: RowParser,
): { id: string; categoryCode: string } | undefined {
  const label = p.idLabel;
  return check.take(label, () => {
    const value = cellText(record.get(ID_COLUMN[p.set].toLowerCase()), label);
    if (p.set === 'gbt47678') return parseGbtComponentId(value, { field: label, directory: p.directory });
    const id = parseComponentId(value, { field: label, directory: p.directory });
    // A 16-digit CJ/T 214 id only gives a positional category, and the classes were renumbered in GB/T 47678.5.
    // Refusing it would block cities mid-migration (DOMAIN.md §5), so it is stored as it is and flagged for mapping.
    if (id.format === 'cjt214' && !p.directory.isKnown('component', id.categoryCode)) {
      p.warnings.add(
        check.row,
        label,
        `legacy CJ/T 214 id: positional category ${id.categoryCode} is not a component in the directory; stored as is, needs mapping`,
      );
    }
    return id;
  });
}

function parseRow(check: RowCheck, record: SourceRecord, p: RowParser): ComponentRow | undefined {
  const id = parseId(check, record, p);
  const values: Partial<Record<TextKey, string | null>> = {};
  for (const field of p.fields) values[field.key] = check.cell(field.label, record.get(field.column), field.parse);
  const point = p.point(check, record);
  if (!check.ok || !id || !point) return undefined;
  return {
    id: id.id,
    categoryCode: id.categoryCode,
    name: values.name ?? null,
    deptCode: values.deptCode ?? null,
    deptName: values.deptName ?? null,
    ownerCode: values.ownerCode ?? null,
    ownerName: values.ownerName ?? null,
    maintainerCode: values.maintainerCode ?? null,
    maintainerName: values.maintainerName ?? null,
    gridCode: values.gridCode ?? null,
    status: values.status ?? null,
    lon: point.lon,
    lat: point.lat,
    initialDate: values.initialDate ?? null,
    changeDate: values.changeDate ?? null,
    dataSource: values.dataSource ?? null,
    note: values.note ?? null,
  };
}

/** A GeoJSON FeatureCollection starts with `{`; anything else is read as CSV. */
const looksLikeJson = (text: string) => /^\uFEFF?\s*\{/u.test(text);

/**
 * Parses components from CSV or GeoJSON points, with GB/T 47678.5 or legacy CJ/T 214 field names (detected from the
 * header). Throws ImportError listing every bad row; legacy ids with an unknown positional category are warnings.
 */
export function parseComponents(text: string, ctx: Pick<ParseContext, 'directory'>): ParseResult<ComponentRow> {
  const log = new ProblemLog();
  const warnings = new ProblemLog();
  const rows: ComponentRow[] = [];
  const geojson = looksLikeJson(text);
  const table = geojson ? readFeatureCollection(text, log) : readCsv(text, log);
  const set = table && table.records.length > 0 ? detectHeaderSet(table, log) : undefined;
  if (table && set) {
    const hasColumns = COORDINATE_COLUMNS.flat().some((c) => table.has(c.toLowerCase()));
    const columns = !geojson || hasColumns ? columnPointReader(table, log) : undefined;
    const point = geojson ? geometryPointReader(columns) : columns;
    if (point) {
      warnUnknownColumns(table, componentColumns(set), warnings);
      const idLabel = table.label(ID_COLUMN[set].toLowerCase());
      const parser: RowParser = {
        set,
        idLabel,
        point,
        directory: ctx.directory,
        warnings,
        fields: FIELDS.map((f) => ({
          key: f.key,
          column: f[set].toLowerCase(),
          label: table.label(f[set].toLowerCase()),
          parse: memo(set === 'cjt214' ? (f.legacyParse ?? f.parse) : f.parse),
        })),
      };
      const keys = new KeyRegistry();
      for (const record of table.records) {
        const check = new RowCheck(log, record.row);
        const row = parseRow(check, record, parser);
        if (row && keys.claim(check, idLabel, row.id)) rows.push(row);
      }
    }
  }
  return finishParse('components', log, rows, warnings);
}

export const componentsSpec: TableSpec<ComponentRow> = {
  table: components,
  columns: {
    id: components.id,
    categoryCode: components.categoryCode,
    name: components.name,
    deptCode: components.deptCode,
    deptName: components.deptName,
    ownerCode: components.ownerCode,
    ownerName: components.ownerName,
    maintainerCode: components.maintainerCode,
    maintainerName: components.maintainerName,
    gridCode: components.gridCode,
    status: components.status,
    lon: components.lon,
    lat: components.lat,
    initialDate: components.initialDate,
    changeDate: components.changeDate,
    dataSource: components.dataSource,
    note: components.note,
  },
  key: ['id'],
};

export const componentsImporter: BaseDataImporter<ComponentRow> = {
  kind: 'components',
  spec: componentsSpec,
  parse: (text, ctx) => parseComponents(text, ctx),
};

/** Imports components (CSV or GeoJSON) with one prepared statement in one transaction; any bad row writes nothing. */
export function importComponents(db: EdgeDb, text: string, opts: ImportOptions): ImportResult {
  return runImport(db, componentsImporter, text, opts);
}
