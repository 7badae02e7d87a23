import { describe, expect, it } from 'vitest';
import {
  buildCategoryDirectory,
  categoryCodeSchema,
  matterCodeSchema,
  matterCodeSchemaFor,
  parseCategoryCode,
  parseDivisionCode,
  parseMatterCode,
} from '../../../shared/codes/index.js';
import { rejection } from '../../support/rejection.js';

describe('5-digit category code', () => {
  it('splits into major 2 + minor 3', () => {
    expect(parseCategoryCode('06001')).toEqual({ code: '06001', majorCode: '06', minorCode: '001' });
  });

  it.each([
    ['4 digits', '0600', 'must be exactly 5 digits (major 2 + minor 3), got 4'],
    ['major class 00', '00001', 'major class 00 is not valid: classes start at 01'],
    ['minor class 000', '06000', 'minor class 000 is not valid: classes start at 001'],
    ['a trailing space', '06001 ', 'must not contain whitespace, found some at position 6'],
    ['full-width digits', '０６００１', 'must use ASCII digits 0-9, not full-width digits (０-９)'],
    ['a number', 6001, 'must be a string of exactly 5 digits (major 2 + minor 3), got number'],
  ])('rejects %s', (_, input, rule) => {
    expect(() => parseCategoryCode(input)).toThrow(rejection('categoryCode', rule));
  });

  it('has a schema whose issues carry the rule', () => {
    expect(categoryCodeSchema.safeParse('0600').error?.issues[0]?.message).toBe(
      'must be exactly 5 digits (major 2 + minor 3), got 4',
    );
  });
});

describe('6-digit division code', () => {
  it('accepts real province prefixes, including 71, 81 and 82', () => {
    expect(parseDivisionCode('320481')).toEqual({ code: '320481', provinceCode: '32' });
    expect(parseDivisionCode('810000').provinceCode).toBe('81');
  });

  it('rejects prefixes that are no province (10, 16, 20, 83, 99)', () => {
    for (const code of ['100101', '160101', '200101', '830101', '990101']) {
      expect(() => parseDivisionCode(code)).toThrow(
        rejection('divisionCode', /must start with a GB\/T 2260 province code/),
      );
    }
  });
});

describe('11-digit matter code', () => {
  it('is a division plus a matter category of the directory', () => {
    const parsed = parseMatterCode('32048106001');
    expect(parsed).toMatchObject({ division: '320481', categoryCode: '06001', majorCode: '06', minorCode: '001' });
    expect(parsed.category).toMatchObject({ kind: 'matter', majorName: '市容环境类' });
  });

  it('takes the component-abnormality matters (…异常) as matters', () => {
    expect(parseMatterCode('32048101001').category.name).toBe('供水井盖异常');
  });

  it('rejects a category that is not a matter', () => {
    expect(() => parseMatterCode('32048101999')).toThrow(rejection('matterCode', 'unknown category matter/01999'));
  });

  it('accepts a city extension matter only with the extended directory', () => {
    const directory = buildCategoryDirectory([
      { kind: 'matter', code: '11001', majorCode: '11', majorName: '城市特色类', name: '共享单车乱停放' },
    ]);
    expect(parseMatterCode('32048111001', { directory }).category.origin).toBe('extension');
    expect(matterCodeSchemaFor(directory).safeParse('32048111001').success).toBe(true);
    expect(matterCodeSchema.safeParse('32048111001').error?.issues[0]?.message).toBe('unknown category matter/11001');
  });

  it.each([
    [
      '10 digits',
      '3204810600',
      /must be exactly 11 digits \(division 6 \+ category 5 \(major 2 \+ minor 3\)\), got 10/,
    ],
    ['whitespace', '320481 06001', /whitespace/],
    ['a foreign division', '99048106001', /province code/],
    ['minor class 000', '32048106000', /minor class 000/],
    ['an object', {}, /must be a string of exactly 11 digits .*, got object/],
  ])('rejects %s', (_, input, rule) => {
    expect(() => parseMatterCode(input, { field: 'case.matterCode' })).toThrow(rejection('case.matterCode', rule));
  });
});
