import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { foldCase } from '../../../shared/case/fold.js';
import { verifyAuditChain } from '../../audit/audit-log.js';
import type { EdgeConfig } from '../../config/edge-config.js';
import { type EdgeDb, projectRoot } from '../../db/open.js';
import * as schema from '../../db/schema.js';
import { CommandFailed, parse, wholeNumber } from '../args.js';
import { dataDirOptions, resolveConfig } from '../config.js';
import { type Io, n } from '../io.js';

export const doctorUsage = 'wanmi doctor [--sample <cases>] [--config <cfg.json> | --data-dir <dir>]';

interface CheckContext {
  config: EdgeConfig;
  dataDir: string;
  sample: number;
  db: EdgeDb | null;
}

/** A check passes with a detail line or throws with the reason it failed. */
interface Check {
  name: string;
  needsDb: boolean;
  run(ctx: CheckContext): string;
}

/** The checks, in order: each later one may rely on the database having opened. */
const checks: readonly Check[] = [
  {
    name: 'data dir is writable',
    needsDb: false,
    run: ({ dataDir }) => {
      if (!existsSync(dataDir)) throw new Error(`${dataDir} does not exist`);
      const probe = join(dataDir, `.doctor-${process.pid}`);
      writeFileSync(probe, 'ok');
      rmSync(probe);
      return dataDir;
    },
  },
  {
    name: 'database opens and its migrations are applied',
    needsDb: true,
    run: ({ db }) => {
      const folder = join(projectRoot(), 'edge', 'db', 'migrations');
      const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
        entries: { when: number; tag: string }[];
      };
      const applied = new Map(
        (
          requireDb(db).$client.prepare('SELECT hash, created_at AS at FROM __drizzle_migrations').all() as {
            hash: string;
            at: number;
          }[]
        ).map((m) => [Number(m.at), m.hash]),
      );
      const missing = journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag);
      if (missing.length) throw new Error(`not applied: ${missing.join(', ')} (start the edge once to apply them)`);
      for (const e of journal.entries) {
        const hash = createHash('sha256')
          .update(readFileSync(join(folder, `${e.tag}.sql`), 'utf8'))
          .digest('hex');
        if (applied.get(e.when) !== hash) throw new Error(`${e.tag}.sql changed after it was applied`);
      }
      return `${journal.entries.length} of ${journal.entries.length} applied`;
    },
  },
  {
    name: 'PRAGMA integrity_check',
    needsDb: true,
    run: ({ db }) => {
      const rows = requireDb(db).$client.pragma('integrity_check') as { integrity_check: string }[];
      const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
      if (problems.length) throw new Error(problems.slice(0, 3).join('; '));
      return 'ok';
    },
  },
  {
    name: 'audit hash chain verifies',
    needsDb: true,
    run: ({ db }) => {
      const result = verifyAuditChain(requireDb(db));
      if (!result.ok) throw new Error(`broken at row ${result.brokenAt}: ${result.reason}`);
      return `${n(result.rows)} rows`;
    },
  },
  {
    name: 'CJK font present (fc-list :lang=zh)',
    needsDb: false,
    run: () => {
      const result = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
      if (result.error) throw new Error('fc-list not found: install fontconfig and a CJK font (fonts-wqy-zenhei)');
      const fonts = result.stdout.split('\n').filter((l) => l.trim() !== '');
      if (fonts.length === 0) throw new Error('no font covers Chinese: install fonts-wqy-zenhei or fonts-noto-cjk');
      return fonts[0]?.split(',')[0] ?? '';
    },
  },
  {
    name: 'case projections equal the fold of their events',
    needsDb: true,
    run: ({ db, config, sample }) => {
      const client = requireDb(db).$client;
      const total = (client.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
      if (total === 0) return 'no cases yet';
      const take = Math.min(sample, total);
      // Evenly spaced over the ids (UUIDv7, so over time): old and recent cases both get checked.
      const pick = client.prepare(
        'SELECT id, case_number AS number, state, event_count AS count FROM cases ORDER BY id LIMIT 1 OFFSET ?',
      );
      const events = client.prepare('SELECT body FROM events WHERE case_id = ? ORDER BY hlc');
      for (let i = 0; i < take; i++) {
        const row = pick.get(Math.floor((i * total) / take)) as {
          id: string;
          number: string | null;
          state: string;
          count: number;
        };
        const bodies = (events.all(row.id) as { body: string }[]).map((e) => JSON.parse(e.body) as unknown);
        const folded = JSON.stringify(foldCase(bodies, config.fold));
        if (folded !== row.state || bodies.length !== row.count) {
          throw new Error(
            `case ${row.number ?? row.id}: the projection differs from the fold of its ${bodies.length} events`,
          );
        }
      }
      return `${take} of ${n(total)} cases match`;
    },
  },
];

function requireDb(db: EdgeDb | null): EdgeDb {
  if (!db) throw new Error('the database is not open');
  return db;
}

/** Opens edge.db read-only (a doctor must not create or migrate anything), or explains why it cannot. */
function openReadOnly(dataDir: string): EdgeDb {
  const file = join(dataDir, 'edge.db');
  if (!existsSync(file)) throw new Error(`no ${file}: run \`npm start\` or \`wanmi demo seed\` first`);
  const client = new Database(file, { readonly: true, fileMustExist: true });
  client.pragma('busy_timeout = 5000');
  return drizzle(client, { schema }) as EdgeDb;
}

/** Runs every check, prints ✓ or ✗ per check, and fails (exit 1) when any check failed. */
export function doctorCommand(args: readonly string[], io: Io): void {
  const { values } = parse(args, { ...dataDirOptions, sample: { type: 'string', default: '20' } }, []);
  const config = resolveConfig(values, io.env);
  const ctx: CheckContext = {
    config,
    dataDir: resolve(config.dataDir),
    sample: wholeNumber(values.sample, 'sample', 1, 100_000) ?? 20,
    db: null,
  };
  let openError: string | null = null;
  try {
    ctx.db = openReadOnly(ctx.dataDir);
  } catch (error) {
    openError = error instanceof Error ? error.message : String(error);
  }
  let failed = 0;
  try {
    for (const check of checks) {
      const fail = (reason: string) => {
        failed++;
        io.out(`✗ ${check.name}: ${reason}`);
      };
      if (check.needsDb && !ctx.db) {
        fail(openError ?? 'the database did not open');
        continue;
      }
      try {
        io.out(`✓ ${check.name}: ${check.run(ctx)}`);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    ctx.db?.$client.close();
  }
  if (failed > 0) throw new CommandFailed(`${failed} of ${checks.length} checks failed`);
  io.out(`all ${checks.length} checks passed`);
}
