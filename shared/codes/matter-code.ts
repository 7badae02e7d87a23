import { ValidationError } from '../validation.js';
import { CATEGORY_LAYOUT, checkCategoryParts } from './category.js';
import { codeSchema, requireDigits } from './digits.js';
import { type CategoryDirectory, type CategoryEntry, standardDirectory } from './directory.js';
import { checkDivisionPrefix } from './division.js';

const LAYOUT = `division 6 + category 5 (${CATEGORY_LAYOUT})`;

/** A parsed 11-digit matter code: where (division) and what (a matter category of the directory). */
export interface MatterCode {
  code: string;
  division: string;
  categoryCode: string;
  majorCode: string;
  minorCode: string;
  category: CategoryEntry;
}

/** Options for matter code parsing. */
export interface MatterCodeOptions {
  /** Field name for errors; default 'matterCode'. */
  field?: string;
  /** Directory the category must exist in as a matter; default the standard directory. */
  directory?: CategoryDirectory;
}

/** Parses an 11-digit matter code; throws ValidationError(field, rule) when malformed or not a known matter. */
export function parseMatterCode(input: unknown, options: MatterCodeOptions = {}): MatterCode {
  const field = options.field ?? 'matterCode';
  const code = requireDigits(input, field, 11, LAYOUT);
  const division = code.slice(0, 6);
  const majorCode = code.slice(6, 8);
  const minorCode = code.slice(8);
  checkDivisionPrefix(division, field);
  checkCategoryParts(majorCode, minorCode, field);
  const categoryCode = majorCode + minorCode;
  const category = (options.directory ?? standardDirectory).get('matter', categoryCode);
  if (!category) throw new ValidationError(field, `unknown category matter/${categoryCode}`);
  return { code, division, categoryCode, majorCode, minorCode, category };
}

/** Zod schema for an 11-digit matter code whose category must be a matter of `directory`. */
export function matterCodeSchemaFor(directory: CategoryDirectory) {
  return codeSchema((s) => parseMatterCode(s, { directory }), `exactly 11 digits (${LAYOUT})`);
}

/** Zod schema for an 11-digit matter code checked against the standard directory. */
export const matterCodeSchema = matterCodeSchemaFor(standardDirectory);
