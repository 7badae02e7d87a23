import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createCentralApp } from '../../central/http/app.js';
import { buildCentral } from '../../central/main.js';
import { SyncFeature } from '../../edge/sync/sync.feature.js';
import type { CaseState } from '../../shared/case/state.js';
import { cnNationalSchedule2026, workingCalendarSchema } from '../../shared/clock/index.js';
import { EdgeHarness } from './edge-harness.js';

export const DISTRICT = '320481';
export const CITY_PASSWORD = 'city password 42';

/**
 * Central on PGlite served over HTTP on a free port (the console needs a real origin), with one district edge
 * (`EdgeHarness`, district 320481) syncing to it through sync v1 over that port. Central and the edge share the
 * harness clock; central's console read models get the same clock and calendar (central/http/console.routes.ts).
 */
export class CityConsoleHarness {
  readonly edge = new EdgeHarness();
  central!: Awaited<ReturnType<typeof buildCentral>>;
  sync!: SyncFeature;
  base = '';
  private server: ReturnType<typeof serve> | null = null;

  async start(): Promise<this> {
    await this.edge.start();
    const now = () => this.edge.clock;
    this.central = await buildCentral({ db: { kind: 'pglite' }, city: '320400', now });
    // The composition central/main.ts makes, plus the clock and calendar for the console's traffic lights.
    const deps = {
      sync: this.central.sync,
      auth: this.central.auth,
      supervision: this.central.supervision,
      now,
      calendar: workingCalendarSchema.parse({ years: { '2026': cnNationalSchedule2026 } }),
    };
    const app = createCentralApp(deps);
    this.base = await new Promise<string>((resolve, reject) => {
      this.server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
      this.server.once('error', reject);
    });
    const token = await this.central.sync.issueToken(`district:${DISTRICT}`, `edge ${DISTRICT}`);
    this.sync = new SyncFeature({
      db: this.edge.node.db,
      store: this.edge.node.services.store,
      origin: `district:${DISTRICT}`,
      centralUrl: this.base,
      token,
      fetch,
      now,
      blobs: { get: (sha) => this.originalBytes(sha) },
    });
    return this;
  }

  private originalBytes(sha: string): Buffer | undefined {
    try {
      return (
        this.edge.node.services.uploads.published(sha)?.bytes ??
        readFileSync(join(this.edge.dir, 'blobs', sha.slice(0, 2), sha))
      );
    } catch {
      return undefined;
    }
  }

  /** A city user (central's own users, not the edge's). */
  async cityUser(username: string, role: string): Promise<void> {
    await this.central.auth.createUser({ username, displayName: username, role, password: CITY_PASSWORD });
  }

  /** A collector reports on the edge; returns the case id. */
  async report(n: string, description: string, lon = 119.48): Promise<string> {
    const collector = await this.edge.as('collector');
    const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
      clientReportId: n,
      category: { kind: 'matter', code: '06001' },
      location: { lon, lat: 31.42, address: `${description}地址` },
      description,
    });
    if (r.status !== 201 && r.status !== 200) throw new Error(`report ${n}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.case.caseId ?? '';
  }

  /** A district step on the edge (the district takes city-owned steps provisionally). */
  async edgeStep(role: 'operator' | 'dispatcher' | 'shift_lead', id: string, action: string, body: unknown = {}) {
    const r = await (await this.edge.as(role)).json<{ case: CaseState }>('POST', `/api/v1/cases/${id}/${action}`, body);
    if (r.status !== 200) throw new Error(`${action} ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.case;
  }

  /** Central's API as a logged-in city user (cookie + CSRF). */
  async cityApi(username: string) {
    const res = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: CITY_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`city login ${username}: ${res.status}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const base = this.base;
    return async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as T };
    };
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => {
      if (!this.server) return done();
      this.server.close(() => done());
      (this.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    await this.central?.close();
    await this.edge.stop();
  }
}
