// Build tool, not runtime code (hence node:fs): turns the GB/T 47678.5-2026 directory CSV into the committed
// directory.data.ts so that shared/ stays free of I/O. Usage from the repo root: npm run gen:codes
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../validation.js';
import { parseDirectoryCsv, renderDirectoryModule } from './directory-csv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const output = path.join(here, 'directory.data.ts');

const argument = process.argv[2];
if (!argument) {
  console.error('usage: node --import tsx shared/codes/generate-directory.ts <directory.csv>');
  process.exit(2);
}
const csvPath = path.resolve(argument);
// Named relative to the repo root so the generated header does not depend on who ran it from where.
const source = path.relative(repoRoot, csvPath).split(path.sep).join('/');

try {
  const rows = parseDirectoryCsv(readFileSync(csvPath, 'utf8'));
  writeFileSync(output, renderDirectoryModule(rows, source));
  const components = rows.filter((row) => row.kind === 'component').length;
  console.log(
    `wrote ${path.relative(repoRoot, output)}: ${components} components, ${rows.length - components} matters`,
  );
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.error(`${source}: ${error.message}`);
  process.exit(1);
}
