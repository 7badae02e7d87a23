import { CsvSyntaxError, parseCsv } from './csv.js';
import { FILE, type ProblemLog } from './problems.js';

// Importers read rows through one shape whether the file is CSV or GeoJSON: named values per row, with column
// names matched case-insensitively (DBF exports upper-case them: OBJID) and reported as the file wrote them.

/** One input row; `get` takes a lower-case column name. */
export interface SourceRecord {
  row: number;
  get(column: string): unknown;
}

/** A table of rows with the columns its header (or its features' properties) declare. */
export interface Tabular {
  records: SourceRecord[];
  /** Whether a column is present (lower-case name). */
  has(column: string): boolean;
  /** The column as written in the file, for messages; the given name when absent. */
  label(column: string): string;
  /** Columns as written, in file order. */
  columns: string[];
  /** The CSV header's row number, or 0 for GeoJSON (properties have no header row). */
  headerRow: number;
}

function tabular(columns: string[], records: SourceRecord[], headerRow: number): Tabular {
  const labels = new Map(columns.map((c) => [c.toLowerCase(), c]));
  return {
    records,
    columns,
    headerRow,
    has: (column) => labels.has(column),
    label: (column) => labels.get(column) ?? column,
  };
}

function checkEncoding(text: string, log: ProblemLog): boolean {
  if (!text.includes('\uFFFD')) return true;
  log.add(
    0,
    FILE,
    'contains U+FFFD replacement characters: the file was probably saved as GBK/GB18030; save it as UTF-8',
  );
  return false;
}

// A class rather than a closure per row: one small object for each of up to 150,000 rows.
class CsvRow implements SourceRecord {
  constructor(
    readonly row: number,
    private readonly cells: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  get(column: string): string | undefined {
    const i = this.index.get(column);
    return i === undefined ? undefined : this.cells[i];
  }
}

/** Reads a CSV file with a header row; returns undefined (with problems logged) when it cannot be read at all. */
export function readCsv(text: string, log: ProblemLog): Tabular | undefined {
  if (!checkEncoding(text, log)) return undefined;
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    log.add(error.row, FILE, error.reason);
    return undefined;
  }
  const [header, ...rows] = parsed;
  if (!header) {
    log.add(0, FILE, 'is empty: expected a header row and data rows');
    return undefined;
  }
  const columns = header.cells.map((c) => c.trim());
  const index = new Map<string, number>();
  let ok = true;
  columns.forEach((column, i) => {
    const key = column.toLowerCase();
    if (column === '') {
      log.add(header.row, `column ${i + 1}`, 'header cell is empty');
      ok = false;
    } else if (index.has(key)) {
      log.add(header.row, column, 'column appears twice in the header');
      ok = false;
    } else index.set(key, i);
  });
  if (!ok) return undefined;
  const records: SourceRecord[] = [];
  for (const { row, cells } of rows) {
    if (cells.length !== columns.length) {
      log.add(row, FILE, `has ${cells.length} cells, the header has ${columns.length}`);
      continue;
    }
    records.push(new CsvRow(row, cells, index));
  }
  return tabular(columns, records, header.row);
}

/** One GeoJSON feature; `row` is its 1-based number (features[row - 1]). */
export interface FeatureRecord extends SourceRecord {
  geometry: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Old GeoJSON (2008) may name its CRS; lon/lat in WGS-84 (CRS84, EPSG:4326) or CGCS2000 (EPSG:4490) are fine.
const GEOGRAPHIC_CRS = /CRS84|EPSG:{1,2}(4326|4490)$/iu;

/** Reads a GeoJSON FeatureCollection; features' properties become columns. Undefined when unreadable. */
export function readFeatureCollection(
  text: string,
  log: ProblemLog,
): (Tabular & { records: FeatureRecord[] }) | undefined {
  if (!checkEncoding(text, log)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    log.add(0, FILE, `is not valid JSON: ${error.message}`);
    return undefined;
  }
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    log.add(0, FILE, 'must be a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}');
    return undefined;
  }
  const crsName = isObject(doc.crs) && isObject(doc.crs.properties) ? doc.crs.properties.name : undefined;
  if (crsName !== undefined && !(typeof crsName === 'string' && GEOGRAPHIC_CRS.test(crsName))) {
    log.add(
      0,
      'crs',
      `${String(crsName)} is not WGS-84/CGCS2000 longitude/latitude: convert projected coordinates first`,
    );
    return undefined;
  }
  const columns = new Map<string, string>();
  const records: FeatureRecord[] = [];
  doc.features.forEach((feature: unknown, i: number) => {
    const row = i + 1;
    if (!isObject(feature) || feature.type !== 'Feature') {
      log.add(row, FILE, 'must be a GeoJSON Feature object');
      return;
    }
    const props = feature.properties ?? {};
    if (!isObject(props)) {
      log.add(row, 'properties', 'must be an object');
      return;
    }
    const byKey = new Map<string, unknown>();
    for (const [key, value] of Object.entries(props)) {
      const lower = key.toLowerCase();
      if (!columns.has(lower)) columns.set(lower, key);
      byKey.set(lower, value);
    }
    records.push({ row, get: (column) => byKey.get(column), geometry: feature.geometry });
  });
  return { ...tabular([...columns.values()], records, 0), records };
}

/** Logs 'missing column' on the header row for each required column that is absent; false when any is. */
export function requireColumns(table: Tabular, columns: readonly string[], log: ProblemLog): boolean {
  let ok = true;
  for (const column of columns) {
    if (!table.has(column.toLowerCase())) {
      log.add(table.headerRow, column, 'missing column');
      ok = false;
    }
  }
  return ok;
}

/** Warns about columns the importer does not know, so a misspelt optional column is not dropped silently. */
export function warnUnknownColumns(table: Tabular, known: readonly string[], warnings: ProblemLog): void {
  const knownSet = new Set(known.map((k) => k.toLowerCase()));
  for (const column of table.columns) {
    if (!knownSet.has(column.toLowerCase())) warnings.add(table.headerRow, column, 'unknown column, ignored');
  }
}
