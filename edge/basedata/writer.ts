import type Database from 'better-sqlite3';
import { getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/** replace: the table ends up holding exactly the file; upsert: file rows are inserted or overwrite by key. */
export type ImportMode = 'replace' | 'upsert';
export const importModes = ['replace', 'upsert'] as const satisfies readonly ImportMode[];

/** Called every PROGRESS_EVERY written rows and once at the end. */
export type ProgressCallback = (done: number, total: number) => void;
export const PROGRESS_EVERY = 5000;

type SqlValue = string | number | null;

/** How rows of one kind map onto a schema table; column names come from the drizzle schema, not from strings. */
export interface TableSpec<Row extends Record<keyof Row, SqlValue>> {
  table: SQLiteTable;
  columns: { readonly [K in keyof Row]-?: SQLiteColumn };
  key: readonly (keyof Row & string)[];
  /** Columns an upsert leaves as they were (e.g. createdAt). */
  keepOnUpdate?: readonly (keyof Row & string)[];
}

/** Counts written rows (across files of a combined import) and reports progress. */
export class Progress {
  done = 0;

  constructor(
    readonly total: number,
    private readonly onProgress?: ProgressCallback,
  ) {}

  step(): void {
    this.done++;
    if (this.onProgress && (this.done % PROGRESS_EVERY === 0 || this.done === this.total)) {
      this.onProgress(this.done, this.total);
    }
  }
}

const quote = (name: string) => `"${name.replace(/"/gu, '""')}"`;

function insertSql<Row extends Record<keyof Row, SqlValue>>(spec: TableSpec<Row>, mode: ImportMode): string {
  const props = Object.keys(spec.columns) as (keyof Row & string)[];
  const name = (prop: keyof Row & string) => quote(spec.columns[prop].name);
  const insert = `INSERT INTO ${quote(getTableName(spec.table))} (${props.map(name).join(', ')}) VALUES (${props
    .map(() => '?')
    .join(', ')})`;
  if (mode === 'replace') return insert;
  const fixed = new Set<string>([...spec.key, ...(spec.keepOnUpdate ?? [])]);
  const updates = props.filter((p) => !fixed.has(p)).map((p) => `${name(p)} = excluded.${name(p)}`);
  return `${insert} ON CONFLICT (${spec.key.map(name).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/**
 * Writes validated rows with one prepared statement; the caller holds the transaction. In replace mode the table is
 * emptied first. Returns the number of rows written.
 */
export function writeRows<Row extends Record<keyof Row, SqlValue>>(
  client: Database.Database,
  spec: TableSpec<Row>,
  rows: readonly Row[],
  mode: ImportMode,
  progress: Progress,
): number {
  if (mode === 'replace') client.prepare(`DELETE FROM ${quote(getTableName(spec.table))}`).run();
  const statement = client.prepare(insertSql(spec, mode));
  const props = Object.keys(spec.columns) as (keyof Row)[];
  const values: SqlValue[] = new Array(props.length);
  for (const row of rows) {
    for (let i = 0; i < props.length; i++) values[i] = row[props[i] as keyof Row];
    statement.run(values);
    progress.step();
  }
  return rows.length;
}
