import { describe, expect, it } from 'vitest';
import { parseDirectoryCsv, renderDirectoryModule } from '../../../shared/codes/directory-csv.js';
import { rejection } from '../../support/rejection.js';

const HEADER = 'kind,code,major_code,major_name,name';

describe('directory CSV', () => {
  it('reads rows with CRLF or LF line ends, a BOM, quoted fields and trailing blank lines', () => {
    const text = `\uFEFF${HEADER}\r\ncomponent,01001,01,市政公用设施,供水井盖\r\nmatter,11001,11,"城市特色类","a ""quoted"", name"\n\n`;
    const rows = parseDirectoryCsv(text);
    expect(rows).toEqual([
      { kind: 'component', code: '01001', majorCode: '01', majorName: '市政公用设施', name: '供水井盖' },
      { kind: 'matter', code: '11001', majorCode: '11', majorName: '城市特色类', name: 'a "quoted", name' },
    ]);
  });

  it.each([
    ['a wrong header', 'kind,code,name\n', 'line 1', /header must be kind,code,major_code,major_name,name/],
    ['a missing column', `${HEADER}\ncomponent,01001,01,市政公用设施\n`, 'line 2', /must have 5 columns, got 4/],
    ['an unknown kind', `${HEADER}\nthing,01001,01,x,y\n`, 'line 2, column kind', /must be component or matter/],
    ['a 4-digit code', `${HEADER}\ncomponent,0101,01,x,y\n`, 'line 2, column code', /exactly 5 digits.*got 4/],
    ['a code with a space', `${HEADER}\ncomponent,01 001,01,x,y\n`, 'line 2, column code', /whitespace/],
    ['a major code that disagrees', `${HEADER}\ncomponent,01001,02,x,y\n`, 'line 2, column major_code', /first two/],
    ['an empty name', `${HEADER}\ncomponent,01001,01,x,\n`, 'line 2, column name', /must not be empty/],
    ['a padded major name', `${HEADER}\ncomponent,01001,01, x,y\n`, 'line 2, column major_name', /whitespace/],
    ['an unclosed quote', `${HEADER}\ncomponent,01001,01,x,"y\n`, 'line 2', /never closed/],
  ])('rejects %s, naming line and column', (_, text, field, rule) => {
    expect(() => parseDirectoryCsv(text)).toThrow(rejection(field, rule));
  });

  it('rejects a repeated (kind, code) and names the first line', () => {
    const text = `${HEADER}\ncomponent,01001,01,x,y\nmatter,01001,01,x,y\ncomponent,01001,01,x,z\n`;
    expect(() => parseDirectoryCsv(text)).toThrow(
      rejection('line 4, column code', 'component/01001 is already taken by y'),
    );
  });

  it('rejects a major class named two ways within one kind', () => {
    const text = `${HEADER}\ncomponent,01001,01,市政公用设施,y\ncomponent,01002,01,市政设施,z\n`;
    expect(() => parseDirectoryCsv(text)).toThrow(
      rejection('line 3, column major_name', /already named 市政公用设施, got 市政设施/),
    );
  });

  it('renders names that contain quotes and backslashes as valid literals', () => {
    const module = renderDirectoryModule(
      [{ kind: 'matter', code: '11001', majorCode: '11', majorName: "it's", name: 'a\\b' }],
      'x.csv',
    );
    expect(module).toContain("majorName: 'it\\'s', name: 'a\\\\b'");
    expect(module).toMatch(/^\/\/ GENERATED FILE/u);
  });
});
