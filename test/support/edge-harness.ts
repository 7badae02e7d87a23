import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { departments, grids } from '../../edge/db/schema.js';
import type { EdgeNode } from '../../edge/main.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import type { Role } from '../../shared/case/roles.js';

export const DEMO_PASSWORD = 'correct horse 42';
export const DEPARTMENT = 'dept-sanitation';

/** A square unit grid around Liyang old town, big enough for the test reports. */
export const TEST_GRID = {
  code: '320481001001001',
  ring: [
    [119.47, 31.41],
    [119.5, 31.41],
    [119.5, 31.43],
    [119.47, 31.43],
    [119.47, 31.41],
  ],
};

/** Inserts TEST_GRID (idempotent), so reports inside it are placed and others are outside the district. */
export function insertTestGrid(node: EdgeNode): void {
  node.db
    .insert(grids)
    .values({
      code: TEST_GRID.code,
      streetCode: '320481001',
      communityCode: '320481001001',
      geometry: JSON.stringify({ type: 'Polygon', coordinates: [TEST_GRID.ring] }),
      minLon: 119.47,
      minLat: 31.41,
      maxLon: 119.5,
      maxLat: 31.43,
    })
    .onConflictDoNothing()
    .run();
}

/** The departments tests dispatch to (dispatch refuses departments missing from the base data). */
export function insertTestDepartments(node: EdgeNode): void {
  for (const [id, name] of [
    [DEPARTMENT, '环卫处'],
    ['dept-other', '其他部门'],
    ['d1', '市政处'],
  ] as const) {
    node.db
      .insert(departments)
      .values({ id, name, level: 'district', createdAt: '2026-01-01T00:00:00Z' })
      .onConflictDoNothing()
      .run();
  }
}

export interface Session {
  role: Role;
  userId: string;
  cookie: string;
  csrf: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * A real edge node on a free port with a temp data dir, a movable clock, one user per role, and one grid.
 * Requests go over real HTTP (fetch), as a browser or handset would send them.
 */
export class EdgeHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'wanmi-edge-'));
  clock = Date.parse('2026-03-02T09:00:00+08:00');
  node!: EdgeNode;
  base = '';
  private stopServer: (() => Promise<void>) | null = null;
  readonly sessions = new Map<Role, Session>();

  async start(overrides: Record<string, unknown> = {}): Promise<this> {
    const config = parseEdgeConfig({
      version: 1,
      district: { division: '320481', name: '溧阳市' },
      city: { division: '320400', name: '常州市' },
      dataDir: this.dir,
      http: { port: 0 },
      ...overrides,
    });
    this.node = buildEdge(config, { now: () => this.clock });
    insertTestGrid(this.node);
    insertTestDepartments(this.node);
    this.node.geocoder.reload();
    const { port, stop } = await startEdge(this.node);
    this.base = `http://127.0.0.1:${port}`;
    this.stopServer = stop;
    return this;
  }

  /** Minutes pass on the node's clock. */
  advance(minutes: number): void {
    this.clock += minutes * 60_000;
  }

  /** A logged-in session for the role (created once; `fresh` logs in again, e.g. after the clock jumped days). */
  async as(role: Role, opts: { fresh?: boolean } = {}): Promise<Session> {
    const cached = this.sessions.get(role);
    if (cached && !opts.fresh) return cached;
    const username = `${role.replace('_', '')}1`;
    const user = cached
      ? { id: cached.userId }
      : await this.node.services.auth.createUser({
          username,
          displayName: `${role} 1`,
          role,
          departmentId: role === 'handler' ? DEPARTMENT : null,
          password: DEMO_PASSWORD,
        });
    const res = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login as ${role} failed: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const base = this.base;
    const session: Session = {
      role,
      userId: user.id,
      cookie,
      csrf: csrfToken,
      request(method, path, body, headers = {}) {
        const isForm = body instanceof FormData;
        return fetch(`${base}${path}`, {
          method,
          headers: {
            cookie,
            'x-csrf-token': csrfToken,
            ...(body === undefined || isForm ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: isForm ? body : JSON.stringify(body) }),
        });
      },
      async json(method, path, body) {
        const r = await session.request(method, path, body);
        return { status: r.status, body: (await r.json()) as never };
      },
    };
    this.sessions.set(role, session);
    return session;
  }

  async stop(): Promise<void> {
    await this.stopServer?.();
    this.node?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A real JPEG from a phone-sized camera (3 MP by default) with a solid colour and EXIF. */
export async function cameraJpeg(width = 2048, height = 1536, colour = { r: 90, g: 140, b: 60 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { Make: 'Wanmi', Model: 'Handset' } })
    .toBuffer();
}

export function photoForm(report: unknown, photos: Buffer[]): FormData {
  const form = new FormData();
  form.set('report', JSON.stringify(report));
  for (const [i, p] of photos.entries())
    form.append('photos', new Blob([new Uint8Array(p)], { type: 'image/jpeg' }), `p${i}.jpg`);
  return form;
}
