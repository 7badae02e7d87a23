import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type EdgeDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The project root (where package.json lives), from source (tsx) or from `dist/`. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json) above edge/db');
    dir = up;
  }
  return dir;
}

/**
 * Opens (creating if needed) the case store and applies the committed migrations. WAL so readers never block the
 * writer, synchronous=FULL because an acknowledged report must survive a power cut, foreign keys on, and a busy
 * timeout so the api, ingest and sync processes can share the file.
 */
export function openEdgeDb(file: string): EdgeDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const client = new Database(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  const db = drizzle(client, { schema }) as EdgeDb;
  migrate(db, { migrationsFolder: join(projectRoot(), 'edge', 'db', 'migrations') });
  return db;
}
