import { type CategoryDirectory, standardDirectory } from '../../shared/codes/index.js';
import type { EdgeDb } from '../db/open.js';
import { departments } from '../db/schema.js';
import { type BaseDataKind, FILE, type ImportProblem, type ProblemLog, throwIfProblems } from './problems.js';
import { type ImportMode, Progress, type ProgressCallback, type TableSpec, writeRows } from './writer.js';

/** What a parser returns: valid rows plus warnings (first MAX_REPORTED, and their count). */
export interface ParseResult<Row> {
  rows: Row[];
  warnings: readonly ImportProblem[];
  warningCount: number;
}

/** What an import returns. */
export interface ImportResult {
  imported: number;
  warnings: readonly ImportProblem[];
  warningCount: number;
}

export interface ImportOptions {
  mode: ImportMode;
  onProgress?: ProgressCallback;
  /** The city's categories (standard + extensions); defaults to the GB/T 47678.5-2026 directory. */
  directory?: CategoryDirectory;
}

/** Everything a parser may check against; each importer uses the parts it needs. */
export interface ParseContext {
  directory: CategoryDirectory;
  /** Departments that exist (in the db or in the same import): responsibilities may only name these. */
  departmentIds: ReadonlySet<string>;
}

/** One kind of base data: how to parse its file and where its rows go. */
export interface BaseDataImporter<Row extends Record<keyof Row, string | number | null>> {
  kind: BaseDataKind;
  spec: TableSpec<Row>;
  parse(text: string, ctx: ParseContext): ParseResult<Row>;
}

/** Ends a parse: throws ImportError for any problem (or an empty file), else returns rows and warnings. */
export function finishParse<Row>(
  kind: BaseDataKind,
  log: ProblemLog,
  rows: Row[],
  warnings: ProblemLog,
): ParseResult<Row> {
  // An empty file is refused: in replace mode it would silently empty the table.
  if (log.count === 0 && rows.length === 0) log.add(0, FILE, 'has no data rows');
  throwIfProblems(kind, log);
  return { rows, warnings: warnings.items, warningCount: warnings.count };
}

/** Runs `body` in one immediate transaction: a throw rolls everything back. */
export function inWriteTransaction<T>(db: EdgeDb, body: () => T): T {
  return db.$client.transaction(body).immediate();
}

/** The ids of the departments in the db. */
export function readDepartmentIds(db: EdgeDb): Set<string> {
  return new Set(
    db
      .select({ id: departments.id })
      .from(departments)
      .all()
      .map((d) => d.id),
  );
}

/** Parses and writes one file in one transaction; the context is read inside it, so it sees a stable db. */
export function runImport<Row extends Record<keyof Row, string | number | null>>(
  db: EdgeDb,
  importer: BaseDataImporter<Row>,
  text: string,
  opts: ImportOptions,
): ImportResult {
  return inWriteTransaction(db, () => {
    const context = { directory: opts.directory ?? standardDirectory, departmentIds: readDepartmentIds(db) };
    const parsed = importer.parse(text, context);
    const progress = new Progress(parsed.rows.length, opts.onProgress);
    const imported = writeRows(db.$client, importer.spec, parsed.rows, opts.mode, progress);
    return { imported, warnings: parsed.warnings, warningCount: parsed.warningCount };
  });
}
