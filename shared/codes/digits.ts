import { z } from 'zod';
import { ValidationError } from '../validation.js';

// Operators paste codes from spreadsheets and Chinese IMEs, so the two classic slips get their own message.
const WHITESPACE = /\s/u;
const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/u;
const NON_DIGIT = /[^0-9]/u;

/** Names the type of a rejected value for an error message ("null", "array", "number"...). */
export function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

/**
 * Checks that `input` is a string made only of ASCII digits (any length) and returns it.
 * `expected` describes the whole code for the type error, e.g. "exactly 5 digits (major 2 + minor 3)".
 */
export function requireDigitString(input: unknown, field: string, expected: string): string {
  if (typeof input !== 'string') {
    throw new ValidationError(field, `must be a string of ${expected}, got ${describeType(input)}`);
  }
  const space = WHITESPACE.exec(input);
  if (space) {
    throw new ValidationError(field, `must not contain whitespace, found some at position ${space.index + 1}`);
  }
  if (FULL_WIDTH_DIGIT.test(input)) {
    throw new ValidationError(field, 'must use ASCII digits 0-9, not full-width digits (０-９)');
  }
  const bad = NON_DIGIT.exec(input);
  if (bad) {
    throw new ValidationError(field, `must contain only digits 0-9, got "${bad[0]}" at position ${bad.index + 1}`);
  }
  return input;
}

/** Checks that `input` is a string of exactly `length` ASCII digits laid out as `layout`, and returns it. */
export function requireDigits(input: unknown, field: string, length: number, layout: string): string {
  const expected = `exactly ${length} digits (${layout})`;
  const digits = requireDigitString(input, field, expected);
  if (digits.length !== length) throw new ValidationError(field, `must be ${expected}, got ${digits.length}`);
  return digits;
}

/** Throws when a sequence part is all zeros: sequence numbers in these standards start at 1. */
export function requireNonZero(part: string, partName: string, field: string): void {
  if (/^0+$/u.test(part)) {
    throw new ValidationError(field, `${partName} ${part} is not valid: numbering starts at ${part.slice(1)}1`);
  }
}

/**
 * Wraps a throwing code parser as a zod string schema. The parser stays the single source of the rules, so an
 * issue inside a bigger schema carries the same rule text as a direct call.
 */
export function codeSchema(parse: (input: string) => unknown, expected: string) {
  return z
    .string({ error: (issue) => `must be a string of ${expected}, got ${describeType(issue.input)}` })
    .superRefine((value, ctx) => {
      try {
        parse(value);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.rule });
      }
    });
}
