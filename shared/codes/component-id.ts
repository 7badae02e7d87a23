import { ValidationError } from '../validation.js';
import { checkCategoryParts } from './category.js';
import { codeSchema, requireDigitString, requireNonZero } from './digits.js';
import type { CategoryDirectory } from './directory.js';
import { checkDivisionPrefix } from './division.js';

/** gbt47678: 17 digits (GB/T 47678.5-2026); cjt214: legacy 16 digits (CJ/T 214-2007 / GB/T 30428.2-2013). */
export type ComponentIdFormat = 'gbt47678' | 'cjt214';

/** A parsed component identifier (部件标识码) in either format. */
export interface ComponentId {
  id: string;
  format: ComponentIdFormat;
  division: string;
  majorCode: string;
  /** The minor class as written: 3 digits (gbt47678) or 2 digits (cjt214). */
  minorCode: string;
  /** 5-digit category code; for cjt214 ids only the positional form (see legacyCategoryCode). */
  categoryCode: string;
  sequence: string;
}

/** Options for component id parsing. */
export interface ComponentIdOptions {
  /** Field name for errors; default 'componentId'. */
  field?: string;
  /** When given, a 17-digit id's category must exist in it as a component. */
  directory?: CategoryDirectory;
}

const FORMATS = {
  gbt47678: { length: 17, minor: 3, layout: 'division 6 + major 2 + minor 3 + sequence 6', name: 'GB/T 47678' },
  cjt214: { length: 16, minor: 2, layout: 'division 6 + major 2 + minor 2 + sequence 6', name: 'CJ/T 214' },
} as const;

const describe = (format: ComponentIdFormat) => {
  const { length, layout, name } = FORMATS[format];
  return `${length} digits (${name}: ${layout})`;
};

/**
 * The 5-digit category form of a legacy 2-digit minor class: major + '0' + minor (legacy 01 → 001). Positional
 * only: CJ/T 214 categories do not map 1:1 onto the GB/T 47678.5 directory (classes were renamed, split and
 * renumbered), so callers must re-check the category against the directory, by name or by a migration table.
 */
export function legacyCategoryCode(majorCode: string, legacyMinorCode: string): string {
  return `${majorCode}0${legacyMinorCode}`;
}

function split(id: string, format: ComponentIdFormat, options: ComponentIdOptions): ComponentId {
  const field = options.field ?? 'componentId';
  const minorEnd = 8 + FORMATS[format].minor;
  const division = id.slice(0, 6);
  const majorCode = id.slice(6, 8);
  const minorCode = id.slice(8, minorEnd);
  const sequence = id.slice(minorEnd);
  checkDivisionPrefix(division, field);
  checkCategoryParts(majorCode, minorCode, field);
  requireNonZero(sequence, 'sequence', field);
  const categoryCode = format === 'gbt47678' ? majorCode + minorCode : legacyCategoryCode(majorCode, minorCode);
  // Legacy ids are not checked against the directory: their positional category may mean something else there.
  if (format === 'gbt47678' && options.directory && !options.directory.isKnown('component', categoryCode)) {
    throw new ValidationError(field, `unknown category component/${categoryCode}`);
  }
  return { id, format, division, majorCode, minorCode, categoryCode, sequence };
}

/** Parses a 17-digit GB/T 47678 component id; throws ValidationError(field, rule) when malformed. */
export function parseGbtComponentId(input: unknown, options: ComponentIdOptions = {}): ComponentId {
  const field = options.field ?? 'componentId';
  const id = requireDigitString(input, field, `exactly ${describe('gbt47678')}`);
  if (id.length !== 17) throw new ValidationError(field, `must be exactly ${describe('gbt47678')}, got ${id.length}`);
  return split(id, 'gbt47678', options);
}

/** Parses a legacy 16-digit CJ/T 214 component id; throws ValidationError(field, rule) when malformed. */
export function parseLegacyComponentId(input: unknown, field = 'componentId'): ComponentId {
  const id = requireDigitString(input, field, `exactly ${describe('cjt214')}`);
  if (id.length !== 16) throw new ValidationError(field, `must be exactly ${describe('cjt214')}, got ${id.length}`);
  return split(id, 'cjt214', { field });
}

/** Parses a component id in either format (cities are mid-migration), reporting which one it was. */
export function parseComponentId(input: unknown, options: ComponentIdOptions = {}): ComponentId {
  const field = options.field ?? 'componentId';
  const expected = `${describe('gbt47678')} or ${describe('cjt214')}`;
  const id = requireDigitString(input, field, expected);
  if (id.length === 17) return split(id, 'gbt47678', options);
  if (id.length === 16) return split(id, 'cjt214', options);
  throw new ValidationError(field, `must be ${expected}, got ${id.length}`);
}

/** The 17-digit form of a legacy id by position (minor 01 → 001); the category still needs re-checking. */
export function legacyComponentIdToGbt(legacyId: string): string {
  const id = parseLegacyComponentId(legacyId, 'legacyComponentId');
  return id.division + id.categoryCode + id.sequence;
}

/** Zod schema for a component id in either format (no directory check); issues name the rule that failed. */
export const componentIdSchema = codeSchema(
  (s) => parseComponentId(s),
  `${describe('gbt47678')} or ${describe('cjt214')}`,
);

/** Zod schema for a component id whose 17-digit form must name a component category of `directory`. */
export function componentIdSchemaFor(directory: CategoryDirectory) {
  return codeSchema((s) => parseComponentId(s, { directory }), `${describe('gbt47678')} or ${describe('cjt214')}`);
}
