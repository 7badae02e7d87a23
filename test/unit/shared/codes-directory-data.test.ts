import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { standardCategoryRows } from '../../../shared/codes/directory.data.js';
import { parseDirectoryCsv, renderDirectoryModule } from '../../../shared/codes/directory-csv.js';

// The CSV lives beside the repo root (../shared/data); the committed directory.data.ts must match it.
const repoRoot = new URL('../../../', import.meta.url);
const csvUrl = new URL('../shared/data/gbt47678.5-2026-directory.csv', repoRoot);
const dataUrl = new URL('shared/codes/directory.data.ts', repoRoot);
const csvRows = parseDirectoryCsv(readFileSync(csvUrl, 'utf8'));

describe('generated GB/T 47678.5-2026 directory data', () => {
  it('equals the rows of the CSV it was generated from', () => {
    expect(standardCategoryRows).toEqual(csvRows);
  });

  it('is byte for byte what the generator writes today (run npm run gen:codes if this fails)', () => {
    const expected = renderDirectoryModule(csvRows, '../shared/data/gbt47678.5-2026-directory.csv');
    expect(readFileSync(dataUrl, 'utf8')).toBe(expected);
  });

  it('holds 153 components and 250 matters', () => {
    expect(standardCategoryRows.filter((row) => row.kind === 'component')).toHaveLength(153);
    expect(standardCategoryRows.filter((row) => row.kind === 'matter')).toHaveLength(250);
  });

  it('holds every data line of the CSV, counted without the parser', () => {
    const dataLines = readFileSync(csvUrl, 'utf8')
      .split(/\r?\n/u)
      .slice(1)
      .filter((line) => line.trim() !== '');
    expect(standardCategoryRows).toHaveLength(dataLines.length);
  });
});
