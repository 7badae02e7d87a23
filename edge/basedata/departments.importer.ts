import { ValidationError } from '../../shared/validation.js';
import type { EdgeDb } from '../db/open.js';
import { departments } from '../db/schema.js';
import { parseCreditCode } from './credit-code.js';
import {
  type BaseDataImporter,
  finishParse,
  type ImportOptions,
  type ImportResult,
  type ParseResult,
  runImport,
} from './importer.js';
import { KeyRegistry, ProblemLog, RowCheck } from './problems.js';
import { readCsv, requireColumns, type SourceRecord, warnUnknownColumns } from './source.js';
import { cellText, requireText } from './values.js';
import type { TableSpec } from './writer.js';

/** Administrative level of a department (专业部门), or an enterprise (e.g. a utility company). */
export const departmentLevels = ['city', 'district', 'street', 'community', 'enterprise'] as const;
export type DepartmentLevel = (typeof departmentLevels)[number];

export interface DepartmentRow {
  id: string;
  name: string;
  /** 18-character unified social credit code (GB 32100-2015), checked; null when not given. */
  creditCode: string | null;
  level: DepartmentLevel;
  createdAt: string;
}

/** CSV header of a departments file; creditCode may be left out or empty. */
export const DEPARTMENT_COLUMNS = ['id', 'name', 'creditCode', 'level'] as const;

const isLevel = (value: string): value is DepartmentLevel => (departmentLevels as readonly string[]).includes(value);

function parseId(value: string, column: string): string {
  const id = requireText(value, column, 64);
  if (/\s/u.test(id)) throw new ValidationError(column, 'must not contain whitespace');
  return id;
}

function parseRow(check: RowCheck, record: SourceRecord, createdAt: string): DepartmentRow | undefined {
  const text = (column: string) => check.take(column, () => cellText(record.get(column.toLowerCase()), column)) ?? '';
  const id = check.take('id', () => parseId(text('id'), 'id'));
  const name = check.take('name', () => requireText(text('name'), 'name'));
  const rawCredit = text('creditCode');
  const creditCode = check.take('creditCode', () =>
    rawCredit === '' ? null : parseCreditCode(rawCredit, 'creditCode'),
  );
  const level = check.take('level', () => {
    const value = text('level');
    if (!isLevel(value))
      throw new ValidationError('level', `must be one of ${departmentLevels.join(', ')}, got "${value}"`);
    return value;
  });
  if (!check.ok || id === undefined || name === undefined || creditCode === undefined || level === undefined)
    return undefined;
  return { id, name, creditCode, level, createdAt };
}

/** Parses a departments CSV (id,name,creditCode,level); throws ImportError listing every bad row. */
export function parseDepartments(text: string): ParseResult<DepartmentRow> {
  const log = new ProblemLog();
  const warnings = new ProblemLog();
  const rows: DepartmentRow[] = [];
  const table = readCsv(text, log);
  if (table && requireColumns(table, ['id', 'name', 'level'], log)) {
    warnUnknownColumns(table, DEPARTMENT_COLUMNS, warnings);
    const createdAt = new Date().toISOString();
    const keys = new KeyRegistry();
    for (const record of table.records) {
      const check = new RowCheck(log, record.row);
      const row = parseRow(check, record, createdAt);
      if (row && keys.claim(check, 'id', row.id)) rows.push(row);
    }
  }
  return finishParse('departments', log, rows, warnings);
}

export const departmentsSpec: TableSpec<DepartmentRow> = {
  table: departments,
  columns: {
    id: departments.id,
    name: departments.name,
    creditCode: departments.creditCode,
    level: departments.level,
    createdAt: departments.createdAt,
  },
  key: ['id'],
  keepOnUpdate: ['createdAt'],
};

export const departmentsImporter: BaseDataImporter<DepartmentRow> = {
  kind: 'departments',
  spec: departmentsSpec,
  parse: (text) => parseDepartments(text),
};

/** Imports departments (CSV) in one transaction; a file with any bad row writes nothing. */
export function importDepartments(db: EdgeDb, text: string, opts: ImportOptions): ImportResult {
  return runImport(db, departmentsImporter, text, opts);
}
