import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isGridInCommunity,
  legacyComponentIdToGbt,
  parseComponentId,
  parseGridCode,
  parseMatterCode,
} from '../../../shared/codes/index.js';
import { ValidationError } from '../../../shared/validation.js';

const RUNS = { numRuns: 1000 };
const PROVINCES = ['11', '31', '32', '44', '50', '65', '71', '81', '82'];

const digits = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((d) => d.join(''));
const nonZero = (length: number) => digits(length).filter((d) => !/^0+$/u.test(d));
const division = fc.tuple(fc.constantFrom(...PROVINCES), digits(4)).map(([p, rest]) => p + rest);
const gridCode = fc.tuple(division, nonZero(3), nonZero(3), nonZero(3)).map((parts) => parts.join(''));
const legacyId = fc
  .tuple(division, nonZero(2), nonZero(2), nonZero(6))
  .map(([d, major, minor, sequence]) => d + major + minor + sequence);

/** Runs fn and returns what it threw, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('code invariants', () => {
  it('every well-formed grid code parses back into the parts it is made of', () => {
    fc.assert(
      fc.property(gridCode, (code) => {
        const parsed = parseGridCode(code);
        expect(parsed.division + parsed.street + parsed.community + parsed.grid).toBe(code);
        expect(parsed.communityCode.startsWith(parsed.streetCode)).toBe(true);
        expect(isGridInCommunity(code, parsed.communityCode)).toBe(true);
      }),
      RUNS,
    );
  });

  it('anything that is not 15 ASCII digits is rejected as a ValidationError on gridCode', () => {
    const notGrid = fc
      .oneof(fc.anything(), fc.string(), fc.stringMatching(/^[0-9]{0,20}$/u))
      .filter((value) => !(typeof value === 'string' && /^[0-9]{15}$/u.test(value)));
    fc.assert(
      fc.property(notGrid, (value) => {
        const error = thrown(() => parseGridCode(value));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ field: 'gridCode' });
      }),
      RUNS,
    );
  });

  it('a legacy id maps by position to a 17-digit id with the same division, category and sequence', () => {
    fc.assert(
      fc.property(legacyId, (id) => {
        const legacy = parseComponentId(id);
        const mapped = parseComponentId(legacyComponentIdToGbt(id));
        expect(legacy.format).toBe('cjt214');
        expect(mapped.format).toBe('gbt47678');
        expect([mapped.division, mapped.categoryCode, mapped.sequence]).toEqual([
          legacy.division,
          legacy.categoryCode,
          legacy.sequence,
        ]);
        expect(mapped.minorCode).toBe(`0${legacy.minorCode}`);
      }),
      RUNS,
    );
  });

  it('component id and matter code parsers fail only with ValidationError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), digits(16), digits(17), digits(11)), (value) => {
        for (const parse of [() => parseComponentId(value), () => parseMatterCode(value)]) {
          const error = thrown(parse);
          if (error !== undefined) expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      RUNS,
    );
  });
});
