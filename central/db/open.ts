import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type CentralDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export type CentralDbOptions =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; poolSize?: number };

function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above central/db');
    dir = up;
  }
  return join(dir, 'central', 'db', 'migrations');
}

/**
 * Opens central's store and applies the committed migrations: PGlite (embedded, for `npm start` and the fast
 * suite) or a real PostgreSQL 15 server (production and the integration suite). Same schema, same queries.
 */
export async function openCentralDb(options: CentralDbOptions): Promise<{ db: CentralDb; close: () => Promise<void> }> {
  if (options.kind === 'pglite') {
    const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder: migrationsFolder() });
    return { db: db as unknown as CentralDb, close: () => client.close() };
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // An idle connection dropped by the server (restart, failover, admin shutdown) must not crash central: the pool
  // discards it and the next query opens a fresh one.
  pool.on('error', (err) =>
    console.warn(JSON.stringify({ level: 'warn', msg: 'postgres idle connection lost', err: String(err.message) })),
  );
  const db = drizzlePg(pool, { schema });
  await migratePg(db, { migrationsFolder: migrationsFolder() });
  return { db: db as unknown as CentralDb, close: () => pool.end() };
}
