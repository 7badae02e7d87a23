import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ImportError,
  type ImportOptions,
  type ImportResult,
  importComponents,
  importDepartments,
  importGrids,
  importModes,
  importResponsibilities,
  importStandards,
} from '../../basedata/index.js';
import type { EdgeDb } from '../../db/open.js';
import { openEdgeDb } from '../../db/open.js';
import { CommandFailed, oneOf, parse } from '../args.js';
import { dataDirOptions, resolveConfig } from '../config.js';
import { type Io, n, seconds } from '../io.js';

const importers = {
  grids: importGrids,
  components: importComponents,
  departments: importDepartments,
  responsibility: importResponsibilities,
  standards: importStandards,
} satisfies Record<string, (db: EdgeDb, text: string, opts: ImportOptions) => ImportResult>;

const kinds = Object.keys(importers) as (keyof typeof importers)[];

export const importUsage = `wanmi import <${kinds.join('|')}> <file> [--mode upsert|replace] [--config <cfg.json> | --data-dir <dir>]`;

/** Imports one base-data file into the node's edge.db, in one transaction; a file with any bad row writes nothing. */
export function importCommand(args: readonly string[], io: Io): void {
  const { values, positionals } = parse(args, { ...dataDirOptions, mode: { type: 'string', default: 'upsert' } }, [
    'kind',
    'file',
  ]);
  const kind = oneOf(positionals[0] === 'responsibilities' ? 'responsibility' : positionals[0], '<kind>', kinds);
  const file = positionals[1] ?? '';
  const mode = oneOf(values.mode, '--mode', importModes);
  const config = resolveConfig(values, io.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandFailed(`<file> ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const db = openEdgeDb(join(config.dataDir, 'edge.db'));
  const started = performance.now();
  try {
    io.err(`${kind}: reading ${file} (${n(Math.round(statSync(file).size / 1024))} KiB), mode ${mode}`);
    const result = importers[kind](db, text, {
      mode,
      onProgress: (done, total) => io.err(`${kind}: ${n(done)} / ${n(total)} rows written`),
    });
    io.out(
      `imported ${n(result.imported)} ${kind} rows into ${config.dataDir} in ${seconds(performance.now() - started)}`,
    );
    if (result.warningCount > 0) {
      io.err(`${n(result.warningCount)} warning(s):`);
      for (const w of result.warnings.slice(0, 20)) io.err(`  row ${w.row}, ${w.column}: ${w.reason}`);
    }
    if (kind === 'grids' || kind === 'components') {
      io.err('a running edge loads grids and components at start: restart it to use the new data');
    }
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    io.err(`${file}: ${error.message}`);
    for (const p of error.problems.slice(0, 20)) io.err(`  row ${p.row}, ${p.column}: ${p.reason}`);
    if (error.problemCount > 20) io.err(`  … and ${n(error.problemCount - 20)} more`);
    throw new CommandFailed(`${kind} import rejected, nothing written`);
  } finally {
    db.$client.close();
  }
}
