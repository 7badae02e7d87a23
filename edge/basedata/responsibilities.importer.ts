import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  type CategoryKind,
  parseCommunityCode,
  parseDivisionCode,
  parseGridCode,
  parseStreetCode,
} from '../../shared/codes/index.js';
import { ValidationError } from '../../shared/validation.js';
import type { EdgeDb } from '../db/open.js';
import { responsibilities } from '../db/schema.js';
import { parseCategory } from './category-columns.js';
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
import { readCsv, requireColumns, type SourceRecord, warnUnknownColumns } from './source.js';
import { cellText } from './values.js';
import type { TableSpec } from './writer.js';

/** One line of the responsibility table: category × area → department. */
export interface ResponsibilityRow {
  categoryKind: CategoryKind;
  categoryCode: string;
  /** 6 (district), 9 (street), 12 (community) or 15 (grid) digits. */
  areaCode: string;
  departmentId: string;
}

export const RESPONSIBILITY_COLUMNS = ['categoryKind', 'categoryCode', 'areaCode', 'departmentId'] as const;

// Area levels by code length; the longer the code, the more specific the area.
const AREA_PARSERS: Record<number, (code: string, field: string) => unknown> = {
  6: parseDivisionCode,
  9: parseStreetCode,
  12: parseCommunityCode,
  15: parseGridCode,
};

/** Validates an area code: a district (6), street (9), community (12) or grid (15) code. */
export function parseAreaCode(value: string, column = 'areaCode'): string {
  const parse = AREA_PARSERS[value.length];
  if (!parse || !/^\d+$/u.test(value)) {
    throw new ValidationError(
      column,
      `must be a district (6 digits), street (9), community (12) or grid (15) code, got "${value}" (${value.length} characters)`,
    );
  }
  parse(value, column);
  return value;
}

function parseRow(check: RowCheck, record: SourceRecord, ctx: ParseContext): ResponsibilityRow | undefined {
  const text = (column: string) => check.take(column, () => cellText(record.get(column.toLowerCase()), column)) ?? '';
  const category = parseCategory(check, text('categoryKind'), text('categoryCode'), ctx.directory);
  const areaCode = check.take('areaCode', () => parseAreaCode(text('areaCode')));
  const departmentId = check.take('departmentId', () => {
    const id = text('departmentId');
    if (!ctx.departmentIds.has(id)) {
      throw new ValidationError('departmentId', `unknown department "${id}": import it first or in the same import`);
    }
    return id;
  });
  if (!check.ok || !category || areaCode === undefined || departmentId === undefined) return undefined;
  return { categoryKind: category.kind, categoryCode: category.code, areaCode, departmentId };
}

/** Parses the responsibility table CSV; departments must be in `ctx.departmentIds`. Throws ImportError. */
export function parseResponsibilities(
  text: string,
  ctx: Pick<ParseContext, 'directory' | 'departmentIds'>,
): ParseResult<ResponsibilityRow> {
  const log = new ProblemLog();
  const warnings = new ProblemLog();
  const rows: ResponsibilityRow[] = [];
  const table = readCsv(text, log);
  if (table && requireColumns(table, RESPONSIBILITY_COLUMNS, log)) {
    warnUnknownColumns(table, RESPONSIBILITY_COLUMNS, warnings);
    const keys = new KeyRegistry();
    for (const record of table.records) {
      const check = new RowCheck(log, record.row);
      const row = parseRow(check, record, ctx);
      const key = row && `${row.categoryKind}/${row.categoryCode}@${row.areaCode}`;
      if (row && key && keys.claim(check, 'areaCode', key)) rows.push(row);
    }
  }
  return finishParse('responsibilities', log, rows, warnings);
}

export const responsibilitiesSpec: TableSpec<ResponsibilityRow> = {
  table: responsibilities,
  columns: {
    categoryKind: responsibilities.categoryKind,
    categoryCode: responsibilities.categoryCode,
    areaCode: responsibilities.areaCode,
    departmentId: responsibilities.departmentId,
  },
  key: ['categoryKind', 'categoryCode', 'areaCode'],
};

export const responsibilitiesImporter: BaseDataImporter<ResponsibilityRow> = {
  kind: 'responsibilities',
  spec: responsibilitiesSpec,
  parse: (text, ctx) => parseResponsibilities(text, ctx),
};

/** Imports the responsibility table (CSV) in one transaction; departments must already be in the db. */
export function importResponsibilities(db: EdgeDb, text: string, opts: ImportOptions): ImportResult {
  return runImport(db, responsibilitiesImporter, text, opts);
}

/** What a case needs a responsible department for. */
export interface ResponsibilityQuery {
  kind: CategoryKind;
  code: string;
  /** The 15-digit unit grid the case lies in. */
  gridCode: string;
}

/** The area codes containing a grid, most specific first: grid, community, street, district. */
export function areaCodesOf(gridCode: string): string[] {
  const grid = parseGridCode(gridCode, 'gridCode');
  return [grid.code, grid.communityCode, grid.streetCode, grid.division];
}

const isRows = (source: readonly ResponsibilityRow[] | EdgeDb): source is readonly ResponsibilityRow[] =>
  Array.isArray(source);

/**
 * The department responsible for a category at a grid: the row of the most specific area containing the grid
 * (grid > community > street > district), from a list of rows or from the db; undefined when none matches.
 */
export function findResponsibleDepartment(
  source: readonly ResponsibilityRow[] | EdgeDb,
  query: ResponsibilityQuery,
): string | undefined {
  const areas = areaCodesOf(query.gridCode);
  if (isRows(source)) {
    let best: ResponsibilityRow | undefined;
    for (const row of source) {
      if (row.categoryKind !== query.kind || row.categoryCode !== query.code || !areas.includes(row.areaCode)) continue;
      if (!best || row.areaCode.length > best.areaCode.length) best = row;
    }
    return best?.departmentId;
  }
  const hit = source
    .select({ departmentId: responsibilities.departmentId })
    .from(responsibilities)
    .where(
      and(
        eq(responsibilities.categoryKind, query.kind),
        eq(responsibilities.categoryCode, query.code),
        inArray(responsibilities.areaCode, areas),
      ),
    )
    .orderBy(desc(sql`length(${responsibilities.areaCode})`))
    .limit(1)
    .get();
  return hit?.departmentId;
}
