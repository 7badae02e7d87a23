import { ValidationError } from '../validation.js';
import { codeSchema, requireDigits } from './digits.js';

// GB/T 2260 province-level prefixes. Checking only the prefix catches typos and foreign data without shipping the
// whole (yearly revised) division list; which county codes exist is the city's grid data's business.
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '),
);

const LAYOUT = 'GB/T 2260 division: province 2 + prefecture 2 + county 2';

/** A parsed 6-digit administrative division code (GB/T 2260), e.g. 320481 溧阳市. */
export interface DivisionCode {
  code: string;
  provinceCode: string;
}

/** Throws unless `division` (6 ASCII digits) starts with a real GB/T 2260 province prefix. */
export function checkDivisionPrefix(division: string, field: string): void {
  const province = division.slice(0, 2);
  if (!PROVINCE_PREFIXES.has(province)) {
    throw new ValidationError(
      field,
      `division ${division} must start with a GB/T 2260 province code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82), got ${province}`,
    );
  }
}

/** Parses a 6-digit GB/T 2260 division code; throws ValidationError(field, rule) when it is malformed. */
export function parseDivisionCode(input: unknown, field = 'divisionCode'): DivisionCode {
  const code = requireDigits(input, field, 6, LAYOUT);
  checkDivisionPrefix(code, field);
  return { code, provinceCode: code.slice(0, 2) };
}

/** Zod schema for a 6-digit division code; issues name the rule that failed. */
export const divisionCodeSchema = codeSchema((s) => parseDivisionCode(s), `exactly 6 digits (${LAYOUT})`);
