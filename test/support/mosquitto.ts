import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMosquittoAcl, renderMosquittoConf } from '../../edge/gps/mosquitto-config.js';
import { freePort } from './ports.js';

export interface MosquittoUser {
  username: string;
  password: string;
}

export interface MosquittoOptions {
  district?: string;
  /** The edge ingest's login (first user of the ACL). */
  ingest: MosquittoUser;
  /** Devices (vehicle ids, OwnTracks users) and other users. */
  devices?: readonly MosquittoUser[];
  readers?: readonly MosquittoUser[];
  extraConf?: readonly string[];
  /** Extra ACL lines appended after the template (e.g. a bench publisher allowed every vehicle topic). */
  extraAcl?: readonly string[];
}

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** What the broker logged (stderr/stdout). */
  logs(): string;
  stop(): Promise<void>;
}

export { freePort } from './ports.js';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A real Mosquitto (`mosquitto -c <tmp conf>`) on a free port, with a password file written by
 * `mosquitto_passwd -b` and the ACL of edge/gps/mosquitto-config.ts. Fails loudly when mosquitto is missing
 * (`.ci/apt-packages.txt` installs it). Runs in its own process group; `stop()` kills the group and removes the dir.
 */
export async function startMosquitto(o: MosquittoOptions): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-mosquitto-'));
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  const users = [o.ingest, ...(o.devices ?? []), ...(o.readers ?? [])];
  writeFileSync(passwordFile, '');
  for (const u of users) execFileSync('mosquitto_passwd', ['-b', passwordFile, u.username, u.password]);
  writeFileSync(
    aclFile,
    renderMosquittoAcl({
      district: o.district ?? '320481',
      ingestUser: o.ingest.username,
      readers: (o.readers ?? []).map((r) => r.username),
    }) + [...(o.extraAcl ?? []), ''].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const confFile = join(dir, 'mosquitto.conf');
    writeFileSync(
      confFile,
      renderMosquittoConf({
        port,
        passwordFile,
        aclFile,
        extra: [
          // Running as root in CI: stay root so the broker can read the files in our temp dir.
          ...(process.getuid?.() === 0 ? ['user root'] : []),
          'log_dest stderr',
          'log_type error',
          'log_type warning',
          'log_type notice',
          ...(o.extraConf ?? []),
        ],
      }),
    );
    log = '';
    child = spawn('mosquitto', ['-c', confFile], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const spawnError = new Promise<Error>((resolve) => child?.once('error', resolve));
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 10_000;
    let up = false;
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    let failure: Error | undefined;
    void spawnError.then((e) => {
      failure = e;
    });
    while (Date.now() < deadline && !gone && !failure) {
      if (await canConnect(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (failure) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot start mosquitto (is the Debian package installed?): ${failure.message}`);
    }
    if (up) {
      const proc = child;
      return {
        url: `mqtt://127.0.0.1:${port}`,
        port,
        dir,
        logs: () => log,
        async stop() {
          if (proc.exitCode === null && proc.pid !== undefined) {
            try {
              process.kill(-proc.pid, 'SIGTERM');
            } catch {
              // already gone
            }
            const timer = setTimeout(() => {
              try {
                if (proc.pid !== undefined) process.kill(-proc.pid, 'SIGKILL');
              } catch {
                // already gone
              }
            }, 3000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // Port taken between probe and bind: try another one.
    if (!/Address already in use/i.test(log)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`mosquitto did not start: ${log.trim() || 'no output'}`);
}
