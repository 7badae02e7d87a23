import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../edge/db/open.js';
import { renderMosquittoAcl } from '../../edge/gps/mosquitto-config.js';

const ROOT = projectRoot();
const work = mkdtempSync(join(tmpdir(), 'wanmi-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'edge/cli/wanmi.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

function writeConfig(name: string, config: unknown): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('wanmi serve: the production process on a real config', () => {
  it('serves the configured node until SIGTERM, then exits 0', async () => {
    const file = writeConfig('edge.json', {
      version: 1,
      district: { division: '320481', name: '溧阳市' },
      city: { division: '320400', name: '常州市' },
      dataDir: join(work, 'data'),
      http: { port: 0 },
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'edge/cli/wanmi.ts', 'serve', '--config', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
      child.stdout?.on('data', () => {
        const m = /"port":(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // Nothing is seeded: a real appliance starts empty until the technicians import its base data.
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/cases`)).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a bad config is refused with its path and exit code 2, nothing started', () => {
    const file = writeConfig('bad.json', { version: 1, district: { division: '32048', name: 'x' } });
    const r = run(['serve', '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/district\.division/);
  });
});

describe('wanmi mosquitto: the broker files Ansible installs, from the renderer the integration suite uses', () => {
  it('prints the ACL exactly as renderMosquittoAcl does', () => {
    const r = run(['mosquitto', 'acl', '--district', '320481', '--ingest-user', 'wanmi-ingest', '--reader', 'wall']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `${renderMosquittoAcl({ district: '320481', ingestUser: 'wanmi-ingest', readers: ['wall'] })}\n`,
    );
  });

  it('refuses a bad district or a user name that could break the ACL file', () => {
    expect(run(['mosquitto', 'acl', '--district', '3204', '--ingest-user', 'x']).status).toBe(2);
    const evil = run(['mosquitto', 'acl', '--district', '320481', '--ingest-user', 'x\ntopic readwrite #']);
    expect(evil.status).toBe(2);
    expect(evil.stdout).toBe('');
  });
});
