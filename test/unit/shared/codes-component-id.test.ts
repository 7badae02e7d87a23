import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildCategoryDirectory,
  componentIdSchema,
  componentIdSchemaFor,
  legacyCategoryCode,
  legacyComponentIdToGbt,
  parseComponentId,
  parseGbtComponentId,
  parseLegacyComponentId,
  standardDirectory,
} from '../../../shared/codes/index.js';
import { parseOrThrow } from '../../../shared/validation.js';
import { rejection } from '../../support/rejection.js';

// 320508 (苏州市姑苏区), component 01001 供水井盖, sequence 000001.
const GBT_ID = '32050801001000001';
// The CJ/T 214 example from DOMAIN.md §5: 上水井盖.
const LEGACY_ID = '3205080101000001';

describe('17-digit GB/T 47678 component id', () => {
  it('splits into division 6 + major 2 + minor 3 + sequence 6', () => {
    expect(parseComponentId(GBT_ID)).toEqual({
      id: GBT_ID,
      format: 'gbt47678',
      division: '320508',
      majorCode: '01',
      minorCode: '001',
      categoryCode: '01001',
      sequence: '000001',
    });
  });

  it('must name a component category when checked against the directory', () => {
    expect(parseComponentId(GBT_ID, { directory: standardDirectory }).categoryCode).toBe('01001');
    expect(() => parseComponentId('32050801999000001', { directory: standardDirectory })).toThrow(
      rejection('componentId', 'unknown category component/01999'),
    );
  });

  it('is not checked against the directory unless one is given', () => {
    expect(parseComponentId('32050801999000001').categoryCode).toBe('01999');
  });

  it('accepts a city extension category when checked against the extended directory', () => {
    const directory = buildCategoryDirectory([
      { kind: 'component', code: '99001', majorCode: '99', majorName: '城市特色部件', name: '共享单车停放点' },
    ]);
    expect(parseGbtComponentId('32050899001000123', { directory }).categoryCode).toBe('99001');
  });

  it('parseGbtComponentId accepts only 17 digits', () => {
    expect(() => parseGbtComponentId(LEGACY_ID)).toThrow(
      rejection(
        'componentId',
        'must be exactly 17 digits (GB/T 47678: division 6 + major 2 + minor 3 + sequence 6), got 16',
      ),
    );
  });
});

describe('16-digit legacy CJ/T 214 component id', () => {
  it('is recognised and reported as cjt214, with the positional 5-digit category', () => {
    expect(parseComponentId(LEGACY_ID)).toEqual({
      id: LEGACY_ID,
      format: 'cjt214',
      division: '320508',
      majorCode: '01',
      minorCode: '01',
      categoryCode: '01001',
      sequence: '000001',
    });
  });

  it('maps to the 17-digit form by position: minor 01 becomes 001', () => {
    expect(legacyCategoryCode('01', '01')).toBe('01001');
    expect(legacyComponentIdToGbt(LEGACY_ID)).toBe(GBT_ID);
    expect(legacyComponentIdToGbt('3204810412000345')).toBe('32048104012000345');
  });

  it('is not checked against the new directory, whose categories do not map 1:1', () => {
    expect(parseComponentId('3205080199000001', { directory: standardDirectory }).categoryCode).toBe('01099');
  });

  it('parseLegacyComponentId accepts only 16 digits', () => {
    expect(() => parseLegacyComponentId(GBT_ID)).toThrow(
      rejection(
        'componentId',
        'must be exactly 16 digits (CJ/T 214: division 6 + major 2 + minor 2 + sequence 6), got 17',
      ),
    );
  });
});

describe('component ids that are rejected', () => {
  it.each([
    ['15 digits', '320508010010001', /must be 17 digits \(GB\/T 47678: .*\) or 16 digits \(CJ\/T 214: .*\), got 15/],
    ['18 digits', '320508010010000011', /got 18/],
    ['whitespace', '32050801001 000001', /must not contain whitespace/],
    ['full-width digits', '３２０５０８０１００１０００００１', /full-width digits/],
    ['letters', '3205080100100000A', /got "A" at position 17/],
    ['a number', 320508010010, /must be a string of 17 digits .* or 16 digits .*, got number/],
    ['null', null, /got null/],
    ['undefined', undefined, /got undefined/],
    ['a foreign division', '00050801001000001', /province code/],
    ['major class 00', '32050800001000001', /major class 00 is not valid/],
    ['minor class 000', '32050801000000001', /minor class 000 is not valid/],
    ['legacy minor class 00', '3205080100000001', /minor class 00 is not valid: classes start at 01/],
    ['sequence 000000', '32050801001000000', /sequence 000000 is not valid: numbering starts at 000001/],
  ])('rejects %s', (_, input, rule) => {
    expect(() => parseComponentId(input)).toThrow(rejection('componentId', rule));
  });
});

describe('component id schemas', () => {
  it('accept both formats and carry the rule inside another schema', () => {
    const schema = z.strictObject({ GLBJBSM: componentIdSchema });
    expect(schema.parse({ GLBJBSM: LEGACY_ID }).GLBJBSM).toBe(LEGACY_ID);
    expect(() => parseOrThrow(schema, { GLBJBSM: '32050801001000000' })).toThrow(
      rejection('GLBJBSM', 'sequence 000000 is not valid: numbering starts at 000001'),
    );
  });

  it('check the directory when built for one', () => {
    const schema = componentIdSchemaFor(standardDirectory);
    expect(schema.safeParse(GBT_ID).success).toBe(true);
    expect(schema.safeParse('32050801999000001').error?.issues[0]?.message).toBe('unknown category component/01999');
  });
});
