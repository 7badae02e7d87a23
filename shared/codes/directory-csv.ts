import { ValidationError } from '../validation.js';
import { type CategoryRow, checkCategoryRows, isCategoryKind, parseCategoryCode } from './category.js';

// Reading and rendering of the directory CSV, kept free of I/O so that the generator script and the drift test
// use the same rules. The CSV is seed data a city may edit (DOMAIN.md §5), so every rule names line and column.

/** The CSV header, in order. */
export const DIRECTORY_CSV_COLUMNS = ['kind', 'code', 'major_code', 'major_name', 'name'] as const;

interface CsvRecord {
  line: number;
  cells: string[];
}

/** Splits CSV text (RFC 4180: quoted fields with "" escapes; CRLF or LF) into records with their first line. */
function splitCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text.charAt(i + 1) === '\n')) {
      if (ch === '\r') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (quoted) throw new ValidationError(`line ${recordLine}`, 'has a quoted field that is never closed');
  if (cell !== '' || cells.length > 0) records.push({ line: recordLine, cells: [...cells, cell] });
  // A blank line is not a row; editors add them at the end.
  return records.filter((record) => !(record.cells.length === 1 && record.cells[0] === ''));
}

function requireName(value: string, field: string): string {
  if (value === '') throw new ValidationError(field, 'must not be empty');
  if (value.trim() !== value) throw new ValidationError(field, 'must not start or end with whitespace');
  if (/[\r\n]/u.test(value)) throw new ValidationError(field, 'must be a single line');
  return value;
}

/** Parses and validates the directory CSV; throws ValidationError with field `line N, column C` on the first bad cell. */
export function parseDirectoryCsv(text: string): CategoryRow[] {
  const [header, ...records] = splitCsv(text.replace(/^\uFEFF/u, ''));
  const expectedHeader = DIRECTORY_CSV_COLUMNS.join(',');
  if (!header || header.cells.join(',') !== expectedHeader) {
    throw new ValidationError(
      'line 1',
      `header must be ${expectedHeader}, got ${header ? header.cells.join(',') : 'nothing'}`,
    );
  }
  const rows: CategoryRow[] = [];
  for (const { line, cells } of records) {
    const at = (column: string) => `line ${line}, column ${column}`;
    if (cells.length !== DIRECTORY_CSV_COLUMNS.length) {
      throw new ValidationError(
        `line ${line}`,
        `must have ${DIRECTORY_CSV_COLUMNS.length} columns, got ${cells.length}`,
      );
    }
    const [kind = '', rawCode = '', majorCode = '', rawMajorName = '', rawName = ''] = cells;
    if (!isCategoryKind(kind)) throw new ValidationError(at('kind'), `must be component or matter, got "${kind}"`);
    const code = parseCategoryCode(rawCode, at('code'));
    if (majorCode !== code.majorCode) {
      throw new ValidationError(
        at('major_code'),
        `must be the first two digits of code ${code.code}, got "${majorCode}"`,
      );
    }
    const majorName = requireName(rawMajorName, at('major_name'));
    const name = requireName(rawName, at('name'));
    rows.push({ kind, code: code.code, majorCode, majorName, name });
  }
  const csvColumn = { code: 'code', majorName: 'major_name' } as const;
  checkCategoryRows(rows, (index, column) => `line ${records[index]?.line}, column ${csvColumn[column]}`);
  return rows;
}

/** A single-quoted TS string literal; names are single-line (checked above), so only \\ and ' need escaping. */
function literal(value: string): string {
  return `'${value.replace(/[\\']/gu, '\\$&')}'`;
}

/** Renders the generated `directory.data.ts` module for the rows; `source` is the CSV path named in its header. */
export function renderDirectoryModule(rows: readonly CategoryRow[], source: string): string {
  const count = (kind: string) => rows.filter((row) => row.kind === kind).length;
  const lines = rows.map(
    (row) =>
      `  { kind: '${row.kind}', code: '${row.code}', majorCode: '${row.majorCode}', majorName: ${literal(row.majorName)}, name: ${literal(row.name)} },`,
  );
  return [
    '// GENERATED FILE: do not edit by hand. Edit the CSV and run `npm run gen:codes`.',
    `// Source: ${source} (GB/T 47678.5-2026 directory, ${count('component')} components, ${count('matter')} matters).`,
    '// Generator: shared/codes/generate-directory.ts. test/unit/shared/codes-directory-data.test.ts catches drift.',
    "import type { CategoryRow } from './category.js';",
    '',
    '/** The standard directory rows, in CSV order. */',
    'export const standardCategoryRows: readonly CategoryRow[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}
