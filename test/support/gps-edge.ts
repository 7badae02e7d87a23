import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import type { GpsFeature } from '../../edge/gps/gps.feature.js';
import type { EdgeNode } from '../../edge/main.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import type { Role } from '../../shared/case/roles.js';
import { DEMO_PASSWORD, insertTestGrid } from './edge-harness.js';

/**
 * A real edge node with the gps feature on a free port and the real clock, on a data dir the caller owns, so a
 * test can stop it and start another node on the same tracks.db (the restart test). Users are created once per
 * data dir by `login`.
 */
export class GpsEdge {
  node!: EdgeNode;
  base = '';
  private stopServer: (() => Promise<void>) | null = null;

  constructor(
    readonly dir: string,
    private readonly gps: Record<string, unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<this> {
    const config = parseEdgeConfig({
      version: 1,
      district: { division: '320481', name: '溧阳市' },
      city: { division: '320400', name: '常州市' },
      dataDir: this.dir,
      http: { port: 0 },
      gps: { enabled: true, ...this.gps },
    });
    this.node = buildEdge(config, { now: this.now });
    insertTestGrid(this.node);
    this.node.geocoder.reload();
    const { port, stop } = await startEdge(this.node);
    this.base = `http://127.0.0.1:${port}`;
    this.stopServer = stop;
    return this;
  }

  get gpsFeature(): GpsFeature {
    const f = this.node.features.find((x) => x.name === 'gps');
    if (!f) throw new Error('gps feature is not enabled');
    return f as GpsFeature;
  }

  /** Cookie and CSRF token of a user of `role` (created on first use in this data dir). */
  private readonly sessions = new Map<Role, { cookie: string; csrf: string }>();

  async login(role: Role = 'admin'): Promise<{ cookie: string; csrf: string }> {
    const cached = this.sessions.get(role);
    if (cached) return cached;
    const username = `gps-${role.replace('_', '')}`;
    const exists = this.node.db.$client.prepare('SELECT 1 FROM users WHERE username = ?').get(username);
    if (!exists) {
      await this.node.services.auth.createUser({
        username,
        displayName: role,
        role,
        departmentId: null,
        password: DEMO_PASSWORD,
      });
    }
    const s = await this.node.services.auth.login(username, DEMO_PASSWORD, '127.0.0.1');
    const session = { cookie: `wanmi_session=${s.sessionToken}`, csrf: s.csrfToken };
    this.sessions.set(role, session);
    return session;
  }

  async request(method: string, path: string, body?: unknown, role: Role = 'admin'): Promise<Response> {
    const { cookie, csrf } = await this.login(role);
    return fetch(`${this.base}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async stop(): Promise<void> {
    await this.stopServer?.();
    this.stopServer = null;
    this.node?.close();
  }
}

/** Reads `positions` events of the live SSE feed; `latest` holds the newest state per device key. */
export class LiveReader {
  readonly latest = new Map<string, { ts: number; lat: number; lon: number }>();
  events = 0;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  /** Called for every device state received, with the receipt time. */
  onState: ((state: { deviceKey: string; ts: number }, at: number) => void) | undefined;

  async open(base: string, cookie: string, query = ''): Promise<void> {
    const res = await fetch(`${base}/api/v1/vehicles/live${query}`, {
      headers: { cookie, accept: 'text/event-stream' },
      signal: this.abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`live feed: ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (data) {
              const at = Date.now();
              const msg = JSON.parse(data) as {
                positions: { deviceKey: string; ts: number; lat: number; lon: number }[];
              };
              this.events += 1;
              for (const p of msg.positions) {
                this.latest.set(p.deviceKey, { ts: p.ts, lat: p.lat, lon: p.lon });
                this.onState?.(p, at);
              }
            }
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
