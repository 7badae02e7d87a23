import { describe, expect, it } from 'vitest';
import { buildCategoryDirectory, CategoryDirectory, standardDirectory } from '../../../shared/codes/index.js';
import { ValidationError } from '../../../shared/validation.js';
import { rejection } from '../../support/rejection.js';

const extension = { kind: 'matter', code: '11001', majorCode: '11', majorName: '城市特色类', name: '共享单车乱停放' };

describe('the standard category directory', () => {
  it('treats the kind as part of the key: component 01001 and matter 01001 differ', () => {
    expect(standardDirectory.get('component', '01001')?.name).toBe('供水井盖');
    expect(standardDirectory.get('matter', '01001')?.name).toBe('供水井盖异常');
  });

  it('knows neither a matter-only code as a component nor an unlisted code', () => {
    expect(standardDirectory.isKnown('matter', '06001')).toBe(true);
    expect(standardDirectory.isKnown('component', '06001')).toBe(false);
    expect(standardDirectory.get('component', '01016')).toBeUndefined();
  });

  it('require() names the unknown category', () => {
    expect(() => standardDirectory.require('component', '01999')).toThrow(
      rejection('category', 'unknown category component/01999'),
    );
  });

  it('lists majors per kind: 5 component classes and 10 matter classes with their sizes', () => {
    expect(standardDirectory.majors('component').map((m) => [m.majorCode, m.count])).toEqual([
      ['01', 76],
      ['02', 44],
      ['03', 16],
      ['04', 14],
      ['05', 3],
    ]);
    expect(standardDirectory.majors('matter').map((m) => m.majorName)).toEqual([
      '市政公用设施类',
      '交通设施类',
      '市容环卫设施类',
      '园林绿化设施类',
      '其他管理部件类',
      '市容环境类',
      '宣传广告类',
      '施工管理类',
      '街面秩序类',
      '其他事项类',
    ]);
  });

  it('lists the minors of a major in code order, and none for an unknown major', () => {
    expect(standardDirectory.minors('component', '05').map((e) => `${e.code} ${e.name}`)).toEqual([
      '05002 公房地下室',
      '05003 车辆加油(气、电)站',
      '05009 文物古迹',
    ]);
    expect(standardDirectory.minors('component', '06')).toEqual([]);
  });

  it('searches names by substring, optionally within one kind', () => {
    const both = standardDirectory.search('供水井盖');
    expect(both.map((e) => `${e.kind}/${e.code}`)).toEqual(['component/01001', 'matter/01001']);
    expect(standardDirectory.search(' 供水井盖 ', 'matter').map((e) => e.name)).toEqual(['供水井盖异常']);
    expect(standardDirectory.search('no such thing')).toEqual([]);
  });

  it('marks every entry as coming from the standard and cannot be mutated', () => {
    expect(standardDirectory.size).toBe(403);
    expect(standardDirectory.entries().every((e) => e.origin === 'standard')).toBe(true);
    const entry = standardDirectory.require('component', '01001');
    expect(Object.isFrozen(entry)).toBe(true);
  });
});

describe('city extension categories', () => {
  it('adds new codes, new major classes included, and marks them as extensions', () => {
    const directory = buildCategoryDirectory([extension]);
    expect(directory.require('matter', '11001')).toMatchObject({ name: '共享单车乱停放', origin: 'extension' });
    expect(directory.majors('matter').at(-1)).toEqual({
      kind: 'matter',
      majorCode: '11',
      majorName: '城市特色类',
      count: 1,
    });
    expect(directory.size).toBe(standardDirectory.size + 1);
    expect(standardDirectory.isKnown('matter', '11001')).toBe(false);
  });

  it('adds a new minor to a standard major class when the major name matches', () => {
    const directory = buildCategoryDirectory([
      { kind: 'component', code: '05901', majorCode: '05', majorName: '其他管理部件', name: '智能快递柜' },
    ]);
    expect(directory.minors('component', '05').map((e) => e.code)).toEqual(['05002', '05003', '05009', '05901']);
  });

  it('rejects a code that collides with the standard, naming the extension', () => {
    const collision = { ...extension, kind: 'component', code: '01001', majorCode: '01', majorName: '市政公用设施' };
    expect(() => buildCategoryDirectory([collision])).toThrow(
      rejection('extensions[0].code', 'component/01001 is already taken by 供水井盖'),
    );
  });

  it('rejects the same extension code twice', () => {
    expect(() => buildCategoryDirectory([extension, extension])).toThrow(rejection('extensions[1].code'));
  });

  it('rejects a second name for an existing major class', () => {
    const renamed = { kind: 'component', code: '01901', majorCode: '01', majorName: '市政设施', name: 'x' };
    expect(() => buildCategoryDirectory([renamed])).toThrow(
      rejection('extensions[0].majorName', 'major class component/01 is already named 市政公用设施, got 市政设施'),
    );
  });

  it.each([
    ['a 4-digit code', { ...extension, code: '1101' }, 'extensions[0].code', /exactly 5 digits/],
    ['a major code unlike the code', { ...extension, majorCode: '12' }, 'extensions[0].majorCode', /first two digits/],
    ['an unknown kind', { ...extension, kind: 'event' }, 'extensions[0].kind', /component or matter/],
    ['an empty name', { ...extension, name: '' }, 'extensions[0].name', /non-empty/],
    ['an unknown key', { ...extension, override: true }, 'extensions[0]', /override/],
  ])('rejects %s with the field and the rule', (_, entry, field, rule) => {
    expect(() => buildCategoryDirectory([entry])).toThrow(rejection(field, rule));
  });

  it('rejects extensions that are not a list', () => {
    expect(() => buildCategoryDirectory({})).toThrow(rejection('extensions', 'must be a list of categories'));
  });

  it('rejects duplicate keys when a directory is built from raw entries', () => {
    const entry = standardDirectory.require('component', '01001');
    expect(() => new CategoryDirectory([entry, entry])).toThrow(ValidationError);
  });
});
