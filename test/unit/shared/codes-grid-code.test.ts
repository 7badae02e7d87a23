import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  communityCodeOf,
  gridCodeSchema,
  isGridInCommunity,
  parseCommunityCode,
  parseGridCode,
  parseStreetCode,
  streetCodeOf,
} from '../../../shared/codes/index.js';
import { parseOrThrow } from '../../../shared/validation.js';
import { rejection } from '../../support/rejection.js';

// 溧阳市 (320481), street 102, community 001, grid 003.
const LIYANG_GRID = '320481102001003';

describe('15-digit unit grid code', () => {
  it('splits into division 6 + street 3 + community 3 + grid 3, with the street and community codes', () => {
    expect(parseGridCode(LIYANG_GRID)).toEqual({
      code: LIYANG_GRID,
      division: '320481',
      street: '102',
      community: '001',
      grid: '003',
      streetCode: '320481102',
      communityCode: '320481102001',
    });
  });

  it('states the layout when the length is wrong', () => {
    expect(() => parseGridCode('32048110200100')).toThrow(
      rejection('gridCode', 'must be exactly 15 digits (division 6 + street 3 + community 3 + grid 3), got 14'),
    );
  });

  it.each([
    ['a leading space', ` ${LIYANG_GRID}`, /must not contain whitespace, found some at position 1/],
    ['a trailing newline', `${LIYANG_GRID}\n`, /must not contain whitespace/],
    ['an ideographic space', `320481\u3000102001003`, /must not contain whitespace/],
    ['full-width digits', '３２０４８１１０２００１００３', /full-width digits/],
    ['a letter', '32048110200100X', /only digits 0-9, got "X" at position 15/],
    ['a hyphen', '320481-102-001-003', /only digits 0-9, got "-" at position 7/],
    ['an empty string', '', /exactly 15 digits.*got 0/],
    ['a number', 320481102001003, /must be a string of exactly 15 digits.*got number/],
    ['null', null, /got null/],
    ['undefined', undefined, /got undefined/],
    [
      'a non-province division',
      '990481102001003',
      /division 990481 must start with a GB\/T 2260 province code.*got 99/,
    ],
    ['a zero street', '320481000001003', /street 000 is not valid: numbering starts at 001/],
    ['a zero community', '320481102000003', /community 000 is not valid/],
    ['grid sequence 000', '320481102001000', /grid 000 is not valid/],
  ])('rejects %s', (_, input, rule) => {
    expect(() => parseGridCode(input)).toThrow(rejection('gridCode', rule));
  });

  it('names the caller’s field', () => {
    expect(() => parseGridCode('1', 'component.SZDYWGBSM')).toThrow(rejection('component.SZDYWGBSM'));
  });

  it('derives the 9-digit street and 12-digit community codes', () => {
    expect(streetCodeOf(LIYANG_GRID)).toBe('320481102');
    expect(communityCodeOf(LIYANG_GRID)).toBe('320481102001');
    expect(parseStreetCode('320481102')).toEqual({ code: '320481102', division: '320481', street: '102' });
    expect(parseCommunityCode('320481102001').community).toBe('001');
  });

  it('places a grid in its own community only', () => {
    expect(isGridInCommunity(LIYANG_GRID, '320481102001')).toBe(true);
    expect(isGridInCommunity(LIYANG_GRID, '320481102002')).toBe(false);
    expect(isGridInCommunity(LIYANG_GRID, '320481103001')).toBe(false);
  });

  it('refuses to compare with a malformed community code', () => {
    expect(() => isGridInCommunity(LIYANG_GRID, '3204811020')).toThrow(
      rejection('communityCode', 'must be exactly 12 digits (division 6 + street 3 + community 3), got 10'),
    );
  });
});

describe('gridCodeSchema inside another schema', () => {
  const componentSchema = z.strictObject({ SZDYWGBSM: gridCodeSchema });

  it('accepts a valid code', () => {
    expect(componentSchema.parse({ SZDYWGBSM: LIYANG_GRID })).toEqual({ SZDYWGBSM: LIYANG_GRID });
  });

  it('reports the field path and the rule', () => {
    expect(() => parseOrThrow(componentSchema, { SZDYWGBSM: '320481102001000' }, 'component')).toThrow(
      rejection('component.SZDYWGBSM', 'grid 000 is not valid: numbering starts at 001'),
    );
    expect(() => parseOrThrow(componentSchema, { SZDYWGBSM: 12 })).toThrow(
      rejection(
        'SZDYWGBSM',
        /must be a string of exactly 15 digits \(division 6 \+ street 3 \+ community 3 \+ grid 3\), got number/,
      ),
    );
  });
});
