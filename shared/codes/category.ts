import { ValidationError } from '../validation.js';
import { codeSchema, requireDigits } from './digits.js';

/** Components (部件) and matters (事项) have separate code spaces: the kind is part of every category key. */
export const categoryKinds = ['component', 'matter'] as const;
export type CategoryKind = (typeof categoryKinds)[number];

/** One row of the GB/T 47678.5-2026 directory (or a city's extension of it). */
export interface CategoryRow {
  kind: CategoryKind;
  /** 5 digits: major class 2 + minor class 3. */
  code: string;
  majorCode: string;
  majorName: string;
  name: string;
}

/** A parsed 5-digit category code. */
export interface CategoryCode {
  code: string;
  majorCode: string;
  minorCode: string;
}

export const CATEGORY_LAYOUT = 'major 2 + minor 3';

/** The columns a directory consistency error can point at. */
export type CategoryColumn = 'code' | 'majorName';

/**
 * Throws unless (kind, code) keys are unique and each major class of a kind has one name; `fieldOf` names the
 * offending row's column (a config path or a CSV line), so the same rules serve config and the seed CSV.
 */
export function checkCategoryRows(
  rows: readonly CategoryRow[],
  fieldOf: (index: number, column: CategoryColumn) => string,
): void {
  const seen = new Map<string, CategoryRow>();
  const majorNames = new Map<string, string>();
  rows.forEach((row, index) => {
    const key = `${row.kind}/${row.code}`;
    const earlier = seen.get(key);
    if (earlier) throw new ValidationError(fieldOf(index, 'code'), `${key} is already taken by ${earlier.name}`);
    seen.set(key, row);
    const majorKey = `${row.kind}/${row.majorCode}`;
    const majorName = majorNames.get(majorKey);
    if (majorName !== undefined && majorName !== row.majorName) {
      throw new ValidationError(
        fieldOf(index, 'majorName'),
        `major class ${majorKey} is already named ${majorName}, got ${row.majorName}`,
      );
    }
    majorNames.set(majorKey, row.majorName);
  });
}

/** Type guard for the category kinds. */
export function isCategoryKind(value: unknown): value is CategoryKind {
  return value === 'component' || value === 'matter';
}

/** Throws unless the major (2 digits) and minor (2 or 3 digits) class parts are not all zeros. */
export function checkCategoryParts(majorCode: string, minorCode: string, field: string): void {
  if (majorCode === '00') throw new ValidationError(field, 'major class 00 is not valid: classes start at 01');
  if (/^0+$/u.test(minorCode)) {
    throw new ValidationError(field, `minor class ${minorCode} is not valid: classes start at ${minorCode.slice(1)}1`);
  }
}

/** Parses a 5-digit category code (major 2 + minor 3); throws ValidationError(field, rule) when malformed. */
export function parseCategoryCode(input: unknown, field = 'categoryCode'): CategoryCode {
  const code = requireDigits(input, field, 5, CATEGORY_LAYOUT);
  const majorCode = code.slice(0, 2);
  const minorCode = code.slice(2);
  checkCategoryParts(majorCode, minorCode, field);
  return { code, majorCode, minorCode };
}

/** Zod schema for a 5-digit category code; issues name the rule that failed. */
export const categoryCodeSchema = codeSchema((s) => parseCategoryCode(s), `exactly 5 digits (${CATEGORY_LAYOUT})`);
