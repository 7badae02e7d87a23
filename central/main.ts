/**
 * Central's composition root: store → case log → sync receiver → HTTP. Run as a process with
 * `node --import tsx central/main.ts` — environment: `WANMI_CENTRAL_DB` (a `postgres://` URL, or `pglite:<dir>`;
 * default `pglite:./data/central`), `WANMI_CENTRAL_PORT` (default 8090; 0 = any free port), `WANMI_CENTRAL_HOST`
 * (default 127.0.0.1), `WANMI_CITY` (the city's 6-digit division, default 320400). Prints `READY <port>` when serving.
 * `central/main.ts token district:320481` issues an edge's sync token instead (printed once, stored hashed);
 * `central/main.ts user <username> <role>` adds a city user (password from `WANMI_CENTRAL_PASSWORD`).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import type { FoldConfig } from '../shared/case/config.js';
import { defaultFoldConfig } from '../shared/case/config.js';
import type { WorkingCalendar } from '../shared/clock/index.js';
import { cnNationalSchedule2026, workingCalendarSchema } from '../shared/clock/index.js';
import { HybridLogicalClock } from '../shared/identity/hlc.js';
import { CentralAuth } from './auth/auth.service.js';
import type { CentralDbOptions } from './db/open.js';
import { openCentralDb } from './db/open.js';
import { createCentralApp } from './http/app.js';
import { SupervisionService } from './supervision/supervision.service.js';
import { CentralCaseLog } from './sync/case-log.js';
import { SyncService } from './sync/sync.service.js';

export interface CentralOptions {
  db: CentralDbOptions;
  /** The city's 6-digit division code; its events carry origin `city:<division>`. */
  city: string;
  foldConfig?: FoldConfig;
  /** The city's working calendar (step deadlines, overdue counts); default: the national 2026 schedule. */
  calendar?: WorkingCalendar;
  now?: () => number;
}

export async function buildCentral(options: CentralOptions) {
  const now = options.now ?? Date.now;
  const { db, close } = await openCentralDb(options.db);
  const cityOrigin = `city:${options.city}`;
  const calendar = options.calendar ?? workingCalendarSchema.parse({ years: { '2026': cnNationalSchedule2026 } });
  let sync: SyncService | undefined;
  const log = new CentralCaseLog({
    db,
    foldConfig: options.foldConfig ?? defaultFoldConfig,
    cityOrigin,
    hlc: new HybridLogicalClock({ now }),
    now,
    calendar,
    onAppend: (district) => sync?.notify(district),
  });
  sync = new SyncService({ db, log, now });
  const auth = new CentralAuth({ db, now });
  const supervision = new SupervisionService({ db, log, now });
  const app = createCentralApp({ sync, auth, supervision, now, calendar });
  return { db, log, sync, auth, supervision, app, cityOrigin, now, close };
}

export type Central = Awaited<ReturnType<typeof buildCentral>>;

/** Serves central's app; resolves with the bound port and a stop that closes the server, then the store. */
export function startCentralServer(
  central: Central,
  opts: { port: number; host?: string },
): Promise<{ port: number; stop: () => Promise<void> }> {
  return new Promise((resolvePort, reject) => {
    const server = serve({ fetch: central.app.fetch, port: opts.port, hostname: opts.host ?? '127.0.0.1' }, (info) =>
      resolvePort({
        port: info.port,
        stop: async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          });
          await central.close();
        },
      }),
    );
    server.once('error', reject);
  });
}

export function centralDbFromEnv(value: string | undefined): CentralDbOptions {
  if (!value) return { kind: 'pglite', dataDir: resolve('data/central') };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('pglite:')) return { kind: 'pglite', dataDir: resolve(value.slice('pglite:'.length)) };
  throw new Error('WANMI_CENTRAL_DB: must be a postgres:// URL or pglite:<dir>');
}

async function main(argv: readonly string[]): Promise<void> {
  const env = process.env;
  if (argv[0] === 'token') {
    // `central/main.ts token district:<division> [label]`: issues an edge's sync token (printed once, stored hashed).
    const origin = argv[1] ?? '';
    const central = await buildCentral({
      db: centralDbFromEnv(env.WANMI_CENTRAL_DB),
      city: env.WANMI_CITY ?? '320400',
    });
    try {
      process.stdout.write(`${await central.sync.issueToken(origin, argv[2] ?? `edge ${origin}`)}\n`);
    } finally {
      await central.close();
    }
    return;
  }
  if (argv[0] === 'user') {
    // `central/main.ts user <username> <role>`: a city user; the password comes from WANMI_CENTRAL_PASSWORD.
    const central = await buildCentral({
      db: centralDbFromEnv(env.WANMI_CENTRAL_DB),
      city: env.WANMI_CITY ?? '320400',
    });
    try {
      const user = await central.auth.createUser(
        { username: argv[1], displayName: argv[1], role: argv[2], password: env.WANMI_CENTRAL_PASSWORD },
        'cli',
      );
      process.stdout.write(`${JSON.stringify(user)}\n`);
    } finally {
      await central.close();
    }
    return;
  }
  const port = Number(env.WANMI_CENTRAL_PORT ?? '8090');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('WANMI_CENTRAL_PORT: must be a port');
  const city = env.WANMI_CITY ?? '320400';
  if (!/^\d{6}$/.test(city)) throw new Error('WANMI_CITY: must be a 6-digit division code');
  const central = await buildCentral({ db: centralDbFromEnv(env.WANMI_CENTRAL_DB), city });
  const server = await startCentralServer(central, { port, host: env.WANMI_CENTRAL_HOST ?? '127.0.0.1' });
  process.stdout.write(`READY ${server.port}\n`);
  const shutdown = () => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`central: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
