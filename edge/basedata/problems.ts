import { ValidationError } from '../../shared/validation.js';
import { DomainError } from '../errors.js';
import { cellText } from './values.js';

/** The base-data file kinds, in the order a combined import writes them (departments before responsibilities). */
export const baseDataKinds = ['grids', 'departments', 'components', 'responsibilities', 'standards'] as const;
export type BaseDataKind = (typeof baseDataKinds)[number];

/**
 * One thing wrong with an input file. `row` is 1-based as a person sees it: the CSV row (header = 1, as a spreadsheet
 * numbers it) or the GeoJSON feature number (features[row - 1]); 0 means the whole file.
 */
export interface ImportProblem {
  row: number;
  column: string;
  reason: string;
}

/** The column of whole-file problems (row 0). */
export const FILE = '(file)';

/** At most this many problems (and warnings) are kept; the count still covers all of them. */
export const MAX_REPORTED = 100;

/** Collects problems up to MAX_REPORTED while counting all of them. */
export class ProblemLog {
  readonly items: ImportProblem[] = [];
  count = 0;

  add(row: number, column: string, reason: string): void {
    this.count++;
    if (this.items.length < MAX_REPORTED) this.items.push({ row, column, reason });
  }
}

/** A rejected file: nothing was written. Carries the first MAX_REPORTED problems and how many there were. */
export class ImportError extends DomainError {
  readonly problems: readonly ImportProblem[];
  readonly problemCount: number;

  constructor(
    readonly kind: BaseDataKind,
    log: ProblemLog,
  ) {
    const first = log.items[0];
    const where = first ? `; first: row ${first.row}, column ${first.column}: ${first.reason}` : '';
    super('invalid', `${kind} file rejected, nothing imported: ${log.count} problem(s)${where}`, first?.column);
    this.problems = log.items;
    this.problemCount = log.count;
  }
}

/** Throws an ImportError when the log holds any problem. */
export function throwIfProblems(kind: BaseDataKind, log: ProblemLog): void {
  if (log.count > 0) throw new ImportError(kind, log);
}

/** Validation of one row: each failing check becomes a problem on this row and the row is dropped. */
export class RowCheck {
  ok = true;

  constructor(
    private readonly log: ProblemLog,
    readonly row: number,
  ) {}

  /** Runs `parse`; a ValidationError becomes a problem in `column` (its rule is the reason) and gives undefined. */
  take<T>(column: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.fail(column, error.rule);
      return undefined;
    }
  }

  /** Like take, for one cell: `parse(raw, column)` without a closure per cell (components have 150,000 rows). */
  cell<T>(column: string, raw: unknown, parse: (value: string, column: string) => T): T | undefined {
    try {
      return parse(cellText(raw, column), column);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.fail(column, error.rule);
      return undefined;
    }
  }

  fail(column: string, reason: string): void {
    this.ok = false;
    this.log.add(this.row, column, reason);
  }
}

/** Reports a key seen twice in one file, naming the row that had it first. */
export class KeyRegistry {
  readonly #rows = new Map<string, number>();

  /** Records the key; returns false (and adds a problem) when an earlier row already has it. */
  claim(check: RowCheck, column: string, key: string): boolean {
    const earlier = this.#rows.get(key);
    if (earlier !== undefined) {
      check.fail(column, `duplicate key ${key}: already on row ${earlier}`);
      return false;
    }
    this.#rows.set(key, check.row);
    return true;
  }
}
