import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../edge/db/open.js';

/**
 * Production runs the compiled build (`npm run build` → dist/; see the systemd units in ansible/), not tsx. This
 * compiles the same tsconfig into a scratch outDir inside the project (so the build finds package.json, the
 * migrations and console/dist the way dist/ does) and runs both processes from it.
 */
const ROOT = projectRoot();
const work = mkdtempSync(join(tmpdir(), 'wanmi-build-'));
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const out = mkdtempSync(join(ROOT, '.tmp', 'build-'));
const children: ChildProcess[] = [];

beforeAll(() => {
  const tsc = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', relative(ROOT, out)],
    { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
  );
  expect(tsc.status, `${tsc.stdout}\n${tsc.stderr}`).toBe(0);
}, 250_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** Starts a compiled entry point and resolves with the port it prints (`pattern` captures it). */
function start(args: string[], env: Record<string, string>, pattern: RegExp) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  children.push(child);
  let text = '';
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port line: ${text}`)), 60_000);
    const take = (d: Buffer) => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, exited };
}

describe('the compiled build runs the production processes', () => {
  it('wanmi serve from the build: migrations applied, API up, SIGTERM exits 0', async () => {
    const config = join(work, 'edge.json');
    writeFileSync(
      config,
      JSON.stringify({
        version: 1,
        district: { division: '320481', name: '溧阳市' },
        city: { division: '320400', name: '常州市' },
        dataDir: join(work, 'edge-data'),
        http: { port: 0 },
      }),
    );
    const edge = start([join(out, 'edge/cli/wanmi.js'), 'serve', '--config', config], {}, /"port":(\d+)/);
    const port = await edge.port;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/cases`)).status).toBe(401);
    edge.child.kill('SIGTERM');
    expect(await edge.exited).toBe(0);
  }, 90_000);

  it('central from the build on PGlite: migrations applied, health answers, SIGTERM exits 0', async () => {
    const central = start(
      [join(out, 'central/main.js')],
      { WANMI_CENTRAL_DB: `pglite:${join(work, 'central-data')}`, WANMI_CENTRAL_PORT: '0' },
      /READY (\d+)/,
    );
    const port = await central.port;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    // Sync is token-bound: without a token, central refuses.
    expect((await fetch(`http://127.0.0.1:${port}/sync/v1/digest`)).status).toBe(401);
    central.child.kill('SIGTERM');
    expect(await central.exited).toBe(0);
  }, 90_000);
});
