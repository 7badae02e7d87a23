import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../edge/basedata/index.js';

const cells = (text: string) => parseCsv(text).map((r) => r.cells);

describe('the RFC 4180 CSV reader', () => {
  it('splits plain rows on commas and LF or CRLF', () => {
    expect(cells('a,b,c\n1,2,3\r\n4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(cells('name,note\r\n"井盖, 北","说""破损""\r\n第二行"\r\n')).toEqual([
      ['name', 'note'],
      ['井盖, 北', '说"破损"\r\n第二行'],
    ]);
  });

  it('drops a leading byte order mark', () => {
    expect(cells('\uFEFFid,name\n1,x')[0]).toEqual(['id', 'name']);
  });

  it('keeps empty fields, leading and trailing', () => {
    expect(cells(',a,\n"",,""')).toEqual([
      ['', 'a', ''],
      ['', '', ''],
    ]);
  });

  it('numbers rows like a spreadsheet: blank lines are skipped but counted, a multi-line field is one row', () => {
    const records = parseCsv('h\n\n"x\ny"\n\r\nz\n');
    expect(records.map((r) => [r.row, r.cells[0]])).toEqual([
      [1, 'h'],
      [3, 'x\ny'],
      [5, 'z'],
    ]);
  });

  it('accepts a lone CR as a line end', () => {
    expect(cells('a\rb')).toEqual([['a'], ['b']]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(cells('12"3,x')).toEqual([['12"3', 'x']]);
  });

  it('rejects a quoted field that is never closed, naming its row', () => {
    expect(() => parseCsv('a\nb\n"open,c\n')).toThrow(
      expect.objectContaining({ row: 3, reason: expect.stringMatching(/never closed/) }),
    );
  });

  it('rejects text after a closing quote', () => {
    expect(() => parseCsv('"ab"c,d')).toThrow(CsvSyntaxError);
  });

  it('reads an empty text as no rows', () => {
    expect(parseCsv('')).toEqual([]);
  });

  it('reads back whatever a conforming writer wrote (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '井', ',', '"', '\n', '\r\n', ' ', '1') });
    const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    const quoteAll = (c: string) => `"${c.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        const text = rows.map((r) => r.map(quoteAll).join(',')).join(eol);
        expect(cells(text)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });
});
