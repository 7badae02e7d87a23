// RFC 4180 reader: csv-parse is not a dependency, and the importers need only this much. Scans with charCodeAt and
// slices instead of building cells char by char, so 150,000 component rows parse in well under a second.

/** One CSV record; `row` counts records from 1 (header = 1) the way a spreadsheet numbers its rows. */
export interface CsvRecord {
  row: number;
  cells: string[];
}

/** Malformed CSV (a quote never closed, text after a closing quote); `row` as in CsvRecord. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly row: number,
    readonly reason: string,
  ) {
    super(`row ${row}: ${reason}`);
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Parses CSV text: comma-separated, fields optionally double-quoted with "" for a quote, quoted fields may hold
 * commas and line breaks; LF, CRLF or CR line ends; a leading BOM is dropped. Blank lines are skipped but still
 * counted, so row numbers match a spreadsheet's. A quote inside an unquoted field is kept as text.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const records: CsvRecord[] = [];
  let i = 0;
  let row = 0;
  while (i < n) {
    row++;
    const cells: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let cell = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) throw new CsvSyntaxError(row, 'a quoted field is never closed (missing ")');
          if (text.charCodeAt(q + 1) === QUOTE) {
            cell += text.slice(from, q + 1);
            from = q + 2;
          } else {
            cell += text.slice(from, q);
            i = q + 1;
            break;
          }
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvSyntaxError(
            row,
            `unexpected text after a closing quote: ${JSON.stringify(text.slice(i, i + 10))}`,
          );
        }
        cells.push(cell);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        cells.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      break;
    }
    if (!(cells.length === 1 && cells[0] === '')) records.push({ row, cells });
  }
  return records;
}
