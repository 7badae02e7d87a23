import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../edge/auth/auth.service.js';
import { openEdgeDb, projectRoot } from '../../edge/db/open.js';

const ROOT = projectRoot();
const work = mkdtempSync(join(tmpdir(), 'wanmi-cli-'));
const seeded = join(work, 'seeded');

/** Runs the real CLI as a child process, as an administrator would. */
function wanmi(args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, WANMI_PASSWORD: '', ...opts.env };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'edge/cli/wanmi.ts', ...args], {
    cwd: ROOT,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    // The demo seed is the slow one (~20 s alone); CI runs it beside the crash test and the browser suites.
    timeout: 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function authOn(dir: string) {
  const db = openEdgeDb(join(dir, 'edge.db'));
  const auth = new AuthService({ db, sessionHours: 1, loginMaxAttempts: 5, loginWindowSeconds: 60, now: Date.now });
  return { auth, close: () => db.$client.close() };
}

beforeAll(() => {
  const r = wanmi(['demo', 'seed', '--size', 'small', '--data-dir', seeded]);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/seeded the demo district/);
  expect(r.out).toMatch(/demo logins/);
}, 320_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('wanmi doctor', () => {
  it('passes every check on a freshly seeded data dir', () => {
    const r = wanmi(['doctor', '--data-dir', seeded, '--sample', '30']);
    expect(r.code, r.out + r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('✓'))).toHaveLength(6);
    expect(r.out).not.toMatch(/✗/);
    expect(r.out).toMatch(/✓ case projections equal the fold of their events: 30 of \d+ cases match/);
  });

  it('fails (exit 1) and names the row when an audit row was altered', () => {
    const copy = join(work, 'tampered');
    cpSync(seeded, copy, { recursive: true });
    const db = new Database(join(copy, 'edge.db'));
    db.prepare('UPDATE audit SET detail = \'{"tampered":true}\' WHERE seq = 5').run();
    db.close();
    const r = wanmi(['doctor', '--data-dir', copy]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ audit hash chain verifies: broken at row 5/);
    expect(r.out).toMatch(/✓ PRAGMA integrity_check/);
  });

  it('fails every database check when there is no database', () => {
    const r = wanmi(['doctor', '--data-dir', join(work, 'nothing-here')]);
    expect(r.code).toBe(1);
    expect(r.out.match(/^✗/gm)?.length).toBeGreaterThanOrEqual(5);
    expect(r.out).toMatch(/no .*edge\.db/);
  });
});

describe('usage errors exit with 2 and one line naming the argument', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown import kind', ['import', 'parcels', 'x.csv', '--data-dir', seeded], /<kind> must be one of grids/],
    ['a missing file argument', ['import', 'grids'], /missing argument <file>/],
    ['an unknown option', ['doctor', '--bogus'], /--bogus/],
    ['a bad number', ['doctor', '--sample', 'many'], /--sample must be a whole number/],
    [
      'a missing option',
      ['users', 'add', '--username', 'wang', '--role', 'collector'],
      /missing option --display-name/,
    ],
    ['a missing label', ['users', 'token', 'admin', '--data-dir', seeded], /missing option --label/],
    ['both --config and --data-dir', ['doctor', '--config', 'a.json', '--data-dir', 'b'], /--config or --data-dir/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const r = wanmi(args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    });
  }

  it('a value the user service refuses names the option it came from', () => {
    const r = wanmi(
      ['users', 'add', '--username', 'X!', '--role', 'collector', '--display-name', '王', '--data-dir', seeded],
      {
        env: { WANMI_PASSWORD: 'long enough 123' },
      },
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--username: must be 3–32 characters/);
    const handler = wanmi(
      ['users', 'add', '--username', 'hwc.new', '--role', 'handler', '--display-name', 'h', '--data-dir', seeded],
      {
        env: { WANMI_PASSWORD: 'long enough 123' },
      },
    );
    expect(handler.code).toBe(2);
    expect(handler.err).toMatch(/--department/);
  });
});

describe('wanmi users', () => {
  it('adds a user with the password from WANMI_PASSWORD or stdin, never from argv', async () => {
    const fromEnv = wanmi(
      ['users', 'add', '--username', 'wang.lei', '--role', 'collector', '--display-name', '王磊', '--data-dir', seeded],
      {
        env: { WANMI_PASSWORD: 'patrol the grid 42' },
      },
    );
    expect(fromEnv.code, fromEnv.err).toBe(0);
    const fromStdin = wanmi(
      [
        'users',
        'add',
        '--username',
        'li.na',
        '--role',
        'handler',
        '--display-name',
        '李娜',
        '--department',
        'hwc',
        '--data-dir',
        seeded,
      ],
      { input: 'sweep the streets 7\n' },
    );
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(fromStdin.out).toMatch(/created handler li\.na .* in hwc/);
    const { auth, close } = authOn(seeded);
    try {
      expect((await auth.login('wang.lei', 'patrol the grid 42', 'test')).principal.role).toBe('collector');
      expect((await auth.login('li.na', 'sweep the streets 7', 'test')).principal.departmentId).toBe('hwc');
    } finally {
      close();
    }
  });

  it('refuses an unknown department and a taken username', () => {
    const env = { WANMI_PASSWORD: 'long enough 123' };
    const dept = wanmi(
      [
        'users',
        'add',
        '--username',
        'zhao',
        '--role',
        'handler',
        '--display-name',
        'z',
        '--department',
        'nope',
        '--data-dir',
        seeded,
      ],
      { env },
    );
    expect(dept.code).toBe(2);
    expect(dept.err).toMatch(/--department nope: no such department/);
    const taken = wanmi(
      ['users', 'add', '--username', 'admin', '--role', 'admin', '--display-name', 'a', '--data-dir', seeded],
      { env },
    );
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/admin already exists/);
  });

  it('issues a bearer token that authenticates the user, printed alone on stdout', () => {
    const r = wanmi(['users', 'token', 'collector1', '--label', 'handset 7', '--data-dir', seeded]);
    expect(r.code, r.err).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^wt_[A-Za-z0-9_-]+$/);
    const { auth, close } = authOn(seeded);
    try {
      expect(auth.tokenPrincipal(token)?.username).toBe('collector1');
    } finally {
      close();
    }
    expect(wanmi(['users', 'token', 'nobody', '--label', 'x', '--data-dir', seeded]).code).toBe(1);
  });
});

describe('wanmi import', () => {
  const fresh = join(work, 'fresh');

  it('imports a departments file into a new data dir, reporting progress', () => {
    const file = join(work, 'departments.csv');
    writeFileSync(
      file,
      'id,name,creditCode,level\nhwc,溧阳市环境卫生管理处,,district\nszc,溧阳市市政设施管理处,,district\n',
    );
    const r = wanmi(['import', 'departments', file, '--data-dir', fresh]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/imported 2 departments rows/);
    expect(r.err).toMatch(/departments: 2 \/ 2 rows written/);
  });

  it('rejects a bad file (exit 1) naming row and column, and writes nothing', () => {
    const file = join(work, 'bad.csv');
    writeFileSync(file, 'id,name,creditCode,level\nylc,园林处,91320481MA1XXXXXX1,district\n');
    const r = wanmi(['import', 'departments', file, '--mode', 'replace', '--data-dir', fresh]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/row 2, creditCode: /);
    const db = new Database(join(fresh, 'edge.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM departments').pluck().get()).toBe(2);
    db.close();
  });

  it('fails (exit 1) on a file that cannot be read', () => {
    const r = wanmi(['import', 'grids', join(work, 'missing.geojson'), '--data-dir', fresh]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/<file> .*missing\.geojson: ENOENT/);
  });
});
