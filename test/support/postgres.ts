import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

/** Where Debian's PostgreSQL 15 server binaries live (`postgresql-15`, listed in .ci/apt-packages.txt). */
export const PG_BIN = process.env.WANMI_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export { freePort } from './ports.js';

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  const exe = join(PG_BIN, bin);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
}

export interface PgCluster {
  /** Connection URL of the test database (`wanmi`), over TCP on 127.0.0.1. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server: `fast` (SIGINT, clean) or `immediate` (SIGQUIT, like a crash: recovery on next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and removes the cluster. */
  destroy(): Promise<void>;
}

/**
 * A private PostgreSQL 15 cluster for one test file: `initdb` into a temp dir owned by `postgres`, a server on a free
 * port with its socket in that dir, durability switched off for speed (fsync, synchronous_commit, full_page_writes —
 * the tests are about logic and crash *of the client*, not of the disk), and a database `wanmi`. Missing binaries
 * throw: the integration suite fails loudly instead of skipping.
 */
export async function startPostgres(opts: { database?: string } = {}): Promise<PgCluster> {
  for (const bin of ['initdb', 'postgres']) {
    if (!existsSync(join(PG_BIN, bin)))
      throw new Error(
        `PostgreSQL 15 server binary ${join(PG_BIN, bin)} is missing: install postgresql-15 (bash .ci/install-system-deps)`,
      );
  }
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres system user to run the cluster');
    chownSync(dir, uid, gid);
  }
  const [cmd, args] = asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);

  const port = await freePort();
  const database = opts.database ?? 'wanmi';
  let child: ChildProcess | null = null;
  let log = '';

  const start = async () => {
    const [c, a] = asPostgres('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=60',
      '-c',
      'shared_buffers=128MB',
    ]);
    child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-8000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-8000);
    });
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log}`);
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        if (Date.now() - started > 30_000) throw new Error(`postgres did not accept connections in 30 s: ${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const postmasterPid = (): number | null => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  };

  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    const pid = postmasterPid();
    const signal = mode === 'fast' ? 'SIGINT' : 'SIGQUIT';
    try {
      if (pid) process.kill(pid, signal);
      else if (proc.pid) process.kill(-proc.pid, signal);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
    // runuser may exit before the postmaster: wait until the pid file is gone (the server really stopped).
    for (let i = 0; i < 100 && existsSync(join(data, 'postmaster.pid')) && mode === 'fast'; i++)
      await new Promise((r) => setTimeout(r, 50));
    child = null;
  };

  await start();
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();

  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    dir,
    stop,
    start,
    async destroy() {
      await stop('fast');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
