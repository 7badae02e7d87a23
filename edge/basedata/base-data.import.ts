import { standardDirectory } from '../../shared/codes/index.js';
import type { EdgeDb } from '../db/open.js';
import { componentsImporter } from './components.importer.js';
import { departmentsImporter } from './departments.importer.js';
import { gridsImporter } from './grids.importer.js';
import {
  type BaseDataImporter,
  type ImportOptions,
  type ImportResult,
  inWriteTransaction,
  type ParseContext,
  readDepartmentIds,
} from './importer.js';
import { type BaseDataKind, baseDataKinds } from './problems.js';
import { responsibilitiesImporter } from './responsibilities.importer.js';
import { standardsImporter } from './standards.importer.js';
import { Progress, writeRows } from './writer.js';

/** The files of a combined import, by kind; any subset. */
export type BaseDataFiles = Partial<Record<BaseDataKind, string>>;

/** A parsed file, its rows typed away, ready to be written. */
interface Parsed {
  count: number;
  warnings: ImportResult['warnings'];
  warningCount: number;
  write: (progress: Progress) => number;
}

function parseOne<Row extends Record<keyof Row, string | number | null>>(
  db: EdgeDb,
  importer: BaseDataImporter<Row>,
  text: string,
  ctx: ParseContext,
  opts: ImportOptions,
): Parsed & { rows: Row[] } {
  const { rows, warnings, warningCount } = importer.parse(text, ctx);
  return {
    rows,
    count: rows.length,
    warnings,
    warningCount,
    write: (progress) => writeRows(db.$client, importer.spec, rows, opts.mode, progress),
  };
}

/**
 * Imports several base-data files in ONE transaction, in dependency order (grids, departments, components,
 * responsibilities, standards): responsibilities may name departments of the same import. Every file is parsed
 * before anything is written; the first rejected file throws its ImportError (with `kind`) and nothing is written.
 * `onProgress` counts rows across all files.
 */
export function importBaseData(
  db: EdgeDb,
  files: BaseDataFiles,
  opts: ImportOptions,
): Partial<Record<BaseDataKind, ImportResult>> {
  return inWriteTransaction(db, () => {
    const directory = opts.directory ?? standardDirectory;
    let departmentIds: ReadonlySet<string> = readDepartmentIds(db);
    const parsed: [BaseDataKind, Parsed][] = [];
    for (const kind of baseDataKinds) {
      const text = files[kind];
      if (text === undefined) continue;
      const ctx = { directory, departmentIds };
      if (kind === 'departments') {
        const one = parseOne(db, departmentsImporter, text, ctx, opts);
        const ids = one.rows.map((row) => row.id);
        // After a replace only the file's departments exist; after an upsert the db's stay as well.
        departmentIds = new Set(opts.mode === 'replace' ? ids : [...departmentIds, ...ids]);
        parsed.push([kind, one]);
      } else parsed.push([kind, parseKind(db, kind, text, ctx, opts)]);
    }
    const total = parsed.reduce((sum, [, p]) => sum + p.count, 0);
    const progress = new Progress(total, opts.onProgress);
    const results: Partial<Record<BaseDataKind, ImportResult>> = {};
    for (const [kind, p] of parsed) {
      results[kind] = { imported: p.write(progress), warnings: p.warnings, warningCount: p.warningCount };
    }
    return results;
  });
}

function parseKind(
  db: EdgeDb,
  kind: Exclude<BaseDataKind, 'departments'>,
  text: string,
  ctx: ParseContext,
  opts: ImportOptions,
): Parsed {
  switch (kind) {
    case 'grids':
      return parseOne(db, gridsImporter, text, ctx, opts);
    case 'components':
      return parseOne(db, componentsImporter, text, ctx, opts);
    case 'responsibilities':
      return parseOne(db, responsibilitiesImporter, text, ctx, opts);
    case 'standards':
      return parseOne(db, standardsImporter, text, ctx, opts);
  }
}
