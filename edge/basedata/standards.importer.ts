import { type LimitUnit, limitUnits, timeLimitSchema } from '../../shared/clock/index.js';
import type { CategoryKind } from '../../shared/codes/index.js';
import { ValidationError } from '../../shared/validation.js';
import type { EdgeDb } from '../db/open.js';
import { standards } from '../db/schema.js';
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
import { cellText, parseDecimal, requireText } from './values.js';
import type { TableSpec } from './writer.js';

/** Urgency classes some cities add: A 紧急, B 重大, C 一般 (DOMAIN.md §6). */
export const urgencies = ['A', 'B', 'C'] as const;
export type Urgency = (typeof urgencies)[number];

/** One filing condition of the 立案、处置和结案标准 with its handling limit and closing condition. */
export interface StandardRow {
  categoryKind: CategoryKind;
  categoryCode: string;
  conditionNo: number;
  filingCondition: string;
  limitAmount: number;
  limitUnit: LimitUnit;
  closingCondition: string;
  urgency: Urgency | null;
}

export const STANDARD_COLUMNS = [
  'categoryKind',
  'categoryCode',
  'conditionNo',
  'filingCondition',
  'limitAmount',
  'limitUnit',
  'closingCondition',
  'urgency',
] as const;

/** The unit names cities print in their tables, mapped to the clock's units. */
export const chineseLimitUnits: Readonly<Record<string, LimitUnit>> = {
  紧急工作时: 'urgent_hours',
  工作时: 'working_hours',
  工作日: 'working_days',
  自然日: 'calendar_days',
};

const chineseUrgencies: Readonly<Record<string, Urgency>> = { 紧急: 'A', 重大: 'B', 一般: 'C' };

/** A limit unit in the clock's form or its Chinese name. */
export function parseLimitUnit(value: string, column = 'limitUnit'): LimitUnit {
  const unit = chineseLimitUnits[value] ?? value;
  const found = limitUnits.find((u) => u === unit);
  if (!found) {
    throw new ValidationError(
      column,
      `must be one of ${limitUnits.join(', ')} or ${Object.keys(chineseLimitUnits).join('/')}, got "${value}"`,
    );
  }
  return found;
}

function parseConditionNo(value: string, column: string): number {
  if (!/^\d{1,3}$/u.test(value) || Number(value) < 1) {
    throw new ValidationError(column, `must be a whole number from 1 to 999, got "${value}"`);
  }
  return Number(value);
}

function parseUrgency(value: string, column: string): Urgency | null {
  if (value === '') return null;
  const urgency = chineseUrgencies[value] ?? value;
  const found = urgencies.find((u) => u === urgency);
  if (!found) throw new ValidationError(column, `must be A, B or C (紧急/重大/一般) or empty, got "${value}"`);
  return found;
}

function parseRow(
  check: RowCheck,
  record: SourceRecord,
  ctx: Pick<ParseContext, 'directory'>,
): StandardRow | undefined {
  const text = (column: string) => check.take(column, () => cellText(record.get(column.toLowerCase()), column)) ?? '';
  const category = parseCategory(check, text('categoryKind'), text('categoryCode'), ctx.directory);
  const conditionNo = check.take('conditionNo', () => parseConditionNo(text('conditionNo'), 'conditionNo'));
  const filingCondition = check.take('filingCondition', () =>
    requireText(text('filingCondition'), 'filingCondition', 1000),
  );
  const amount = check.take('limitAmount', () => parseDecimal(text('limitAmount'), 'limitAmount'));
  const unit = check.take('limitUnit', () => parseLimitUnit(text('limitUnit')));
  const closingCondition = check.take('closingCondition', () =>
    requireText(text('closingCondition'), 'closingCondition', 1000),
  );
  const urgency = check.take('urgency', () => parseUrgency(text('urgency'), 'urgency'));
  if (amount !== undefined && unit !== undefined) {
    // The clock's own schema holds the bounds (> 0, ≤ 10000), so a table cannot carry a limit the clock refuses.
    const limit = timeLimitSchema.safeParse({ amount, unit });
    if (!limit.success) check.fail('limitAmount', limit.error.issues[0]?.message ?? 'invalid time limit');
  }
  if (
    !check.ok ||
    !category ||
    conditionNo === undefined ||
    filingCondition === undefined ||
    amount === undefined ||
    unit === undefined ||
    closingCondition === undefined ||
    urgency === undefined
  ) {
    return undefined;
  }
  return {
    categoryKind: category.kind,
    categoryCode: category.code,
    conditionNo,
    filingCondition,
    limitAmount: amount,
    limitUnit: unit,
    closingCondition,
    urgency,
  };
}

/** Parses a 立案、处置和结案标准 CSV; categories must be in `ctx.directory`. Throws ImportError. */
export function parseStandards(text: string, ctx: Pick<ParseContext, 'directory'>): ParseResult<StandardRow> {
  const log = new ProblemLog();
  const warnings = new ProblemLog();
  const rows: StandardRow[] = [];
  const table = readCsv(text, log);
  const required = STANDARD_COLUMNS.filter((c) => c !== 'urgency');
  if (table && requireColumns(table, required, log)) {
    warnUnknownColumns(table, STANDARD_COLUMNS, warnings);
    const keys = new KeyRegistry();
    for (const record of table.records) {
      const check = new RowCheck(log, record.row);
      const row = parseRow(check, record, ctx);
      const key = row && `${row.categoryKind}/${row.categoryCode} condition ${row.conditionNo}`;
      if (row && key && keys.claim(check, 'conditionNo', key)) rows.push(row);
    }
  }
  return finishParse('standards', log, rows, warnings);
}

export const standardsSpec: TableSpec<StandardRow> = {
  table: standards,
  columns: {
    categoryKind: standards.categoryKind,
    categoryCode: standards.categoryCode,
    conditionNo: standards.conditionNo,
    filingCondition: standards.filingCondition,
    limitAmount: standards.limitAmount,
    limitUnit: standards.limitUnit,
    closingCondition: standards.closingCondition,
    urgency: standards.urgency,
  },
  key: ['categoryKind', 'categoryCode', 'conditionNo'],
};

export const standardsImporter: BaseDataImporter<StandardRow> = {
  kind: 'standards',
  spec: standardsSpec,
  parse: (text, ctx) => parseStandards(text, ctx),
};

/** Imports the 立案、处置和结案标准 table (CSV) in one transaction; any bad row writes nothing. */
export function importStandards(db: EdgeDb, text: string, opts: ImportOptions): ImportResult {
  return runImport(db, standardsImporter, text, opts);
}
