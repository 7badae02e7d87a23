import { codeSchema, requireDigits, requireNonZero } from './digits.js';
import { checkDivisionPrefix } from './division.js';

// The unit grid code nests division → street → community → grid (GB/T 47678.3, DOMAIN.md §5). Street and community
// codes are prefixes of it, so one level table drives all three parsers and their messages.
const LEVELS = [
  { name: 'division', length: 6 },
  { name: 'street', length: 3 },
  { name: 'community', length: 3 },
  { name: 'grid', length: 3 },
] as const;

function layoutOf(depth: number): { length: number; layout: string } {
  const levels = LEVELS.slice(0, depth);
  return {
    length: levels.reduce((sum, level) => sum + level.length, 0),
    layout: levels.map((level) => `${level.name} ${level.length}`).join(' + '),
  };
}

/** Validates a hierarchical code down to `depth` levels and returns it; throws ValidationError(field, rule). */
function checkLevels(input: unknown, field: string, depth: number): string {
  const { length, layout } = layoutOf(depth);
  const code = requireDigits(input, field, length, layout);
  let offset = 0;
  for (const level of LEVELS.slice(0, depth)) {
    const part = code.slice(offset, offset + level.length);
    // 000 would mean "the parent itself", which is not a street, community or grid.
    if (level.name === 'division') checkDivisionPrefix(part, field);
    else requireNonZero(part, level.name, field);
    offset += level.length;
  }
  return code;
}

/** A 9-digit street/town code: division 6 + street 3 (GB/T 10114). */
export interface StreetCode {
  code: string;
  division: string;
  street: string;
}

/** A 12-digit community/village code: division 6 + street 3 + community 3. */
export interface CommunityCode extends StreetCode {
  community: string;
  streetCode: string;
}

/** A 15-digit unit grid code: division 6 + street 3 + community 3 + grid 3. */
export interface GridCode extends CommunityCode {
  grid: string;
  communityCode: string;
}

/** Parses a 9-digit street code; throws ValidationError(field, rule) when malformed. */
export function parseStreetCode(input: unknown, field = 'streetCode'): StreetCode {
  const code = checkLevels(input, field, 2);
  return { code, division: code.slice(0, 6), street: code.slice(6, 9) };
}

/** Parses a 12-digit community code; throws ValidationError(field, rule) when malformed. */
export function parseCommunityCode(input: unknown, field = 'communityCode'): CommunityCode {
  const code = checkLevels(input, field, 3);
  return {
    code,
    division: code.slice(0, 6),
    street: code.slice(6, 9),
    community: code.slice(9, 12),
    streetCode: code.slice(0, 9),
  };
}

/** Parses a 15-digit unit grid code; throws ValidationError(field, rule) when malformed. */
export function parseGridCode(input: unknown, field = 'gridCode'): GridCode {
  const code = checkLevels(input, field, 4);
  return {
    code,
    division: code.slice(0, 6),
    street: code.slice(6, 9),
    community: code.slice(9, 12),
    grid: code.slice(12, 15),
    streetCode: code.slice(0, 9),
    communityCode: code.slice(0, 12),
  };
}

/** The 9-digit street code a grid lies in. */
export function streetCodeOf(gridCode: string): string {
  return parseGridCode(gridCode).streetCode;
}

/** The 12-digit community code a grid lies in. */
export function communityCodeOf(gridCode: string): string {
  return parseGridCode(gridCode).communityCode;
}

/** Whether the grid lies in the community; both codes are validated first (grids never cross communities). */
export function isGridInCommunity(gridCode: string, communityCode: string): boolean {
  return parseGridCode(gridCode).communityCode === parseCommunityCode(communityCode).code;
}

/** Zod schema for a 15-digit unit grid code; issues name the rule that failed. */
export const gridCodeSchema = codeSchema((s) => parseGridCode(s), `exactly 15 digits (${layoutOf(4).layout})`);
/** Zod schema for a 12-digit community code. */
export const communityCodeSchema = codeSchema(
  (s) => parseCommunityCode(s),
  `exactly 12 digits (${layoutOf(3).layout})`,
);
/** Zod schema for a 9-digit street code. */
export const streetCodeSchema = codeSchema((s) => parseStreetCode(s), `exactly 9 digits (${layoutOf(2).layout})`);
