import { join } from 'node:path';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../central/db/schema.js';
import type { Central } from '../../central/main.js';
import { buildCentral } from '../../central/main.js';
import type { SyncEdgeFeature } from '../../edge/sync/sync.wiring.js';
import type { CaseState } from '../../shared/case/state.js';
import { DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';
import { TEST_SYNC_TIMING } from '../support/edge-sync-process.js';
import { freePort, type PgCluster, startPostgres } from '../support/postgres.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { type Child, centralSnapshot, edgeSnapshot, expectConvergence, startChild } from './convergence.js';

const DISTRICT = '320481';
const ORIGIN = `district:${DISTRICT}`;

/**
 * Faults on the wire between a real edge (its HTTP API, its sync feature over real fetch) and central as its own
 * process on a real PostgreSQL 15, through a TCP proxy the test controls. "Minutes" of outage are compressed to
 * seconds: the edge's retry backoff is capped at 1 s here (60 s in production), so what matters — work on both sides
 * during the outage, a backlog, retries — happens at the same scale of events per retry. After every fault the sides
 * must agree within 10 s of the link returning: same per-day digests, same events (none missing, none twice), every
 * case folded to the same state.
 */
describe('sync v1 under link faults (edge ⇄ TCP proxy ⇄ central process on PostgreSQL 15)', () => {
  const h = new EdgeHarness();
  let pg: PgCluster;
  let city: Central;
  let centralProc: Child;
  let centralPort: number;
  let proxy: TcpProxy;
  let client: SyncEdgeFeature['client'];
  const timings: Record<string, number> = {};

  const startCentralProcess = async () =>
    startChild('central/main.ts', [], { WANMI_CENTRAL_DB: pg.url, WANMI_CENTRAL_PORT: String(centralPort) });

  beforeAll(async () => {
    pg = await startPostgres();
    // The test's own view of central (tokens, city decisions, snapshots): same database, its own pool.
    city = await buildCentral({ db: { kind: 'postgres', url: pg.url, poolSize: 3 }, city: '320400' });
    centralPort = await freePort();
    centralProc = await startCentralProcess();
    proxy = new TcpProxy({ host: '127.0.0.1', port: centralPort });
    await proxy.listen();
    process.env.WANMI_TEST_SYNC_TOKEN = await city.sync.issueToken(ORIGIN, 'fault-suite edge');
    await h.start({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, resolved from the environment
      sync: { enabled: true, centralUrl: proxy.url, token: '${WANMI_TEST_SYNC_TOKEN}', ...TEST_SYNC_TIMING },
    });
    const feature = h.node.features.find((f) => f.name === 'sync') as SyncEdgeFeature | undefined;
    if (!feature) throw new Error('the sync feature is not wired');
    client = feature.client;
  }, 120_000);

  afterAll(async () => {
    await h.stop();
    await proxy?.close();
    await centralProc?.kill('SIGKILL');
    await city?.close();
    await pg?.destroy();
    delete process.env.WANMI_TEST_SYNC_TOKEN;
    console.log(JSON.stringify({ msg: 'sync fault suite: convergence after link return (ms)', ...timings }));
  });

  const read = async () => ({
    edge: edgeSnapshot(join(h.dir, 'edge.db'), ORIGIN),
    city: await centralSnapshot(city, DISTRICT),
  });

  let reportNo = 0;
  /** District work through the edge's HTTP API: reports, and filing + dispatching every other one. */
  async function districtWork(n: number): Promise<string[]> {
    const collector = await h.as('collector');
    const operator = await h.as('operator');
    const dispatcher = await h.as('dispatcher');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      reportNo += 1;
      const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
        clientReportId: `fault-${reportNo}`,
        category: { kind: 'matter', code: '06001' },
        location: { lon: 119.471 + (reportNo % 250) * 0.0001, lat: 31.411 + (reportNo % 7) * 0.001 },
        description: `fault suite report ${reportNo}`,
      });
      expect(r.status).toBe(201);
      const id = r.body.case.caseId ?? '';
      ids.push(id);
      if (i % 2 === 0) {
        expect((await operator.json('POST', `/api/v1/cases/${id}/file`, {})).status).toBe(200);
        const d = await dispatcher.json('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: DEPARTMENT });
        expect(d.status).toBe(200);
      }
    }
    return ids;
  }

  /** City work on the cases central knows: urging (督办) some open ones, written by the city origin. */
  async function cityWork(n: number): Promise<void> {
    const open = await city.db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.district, DISTRICT), ne(cases.status, 'voided')))
      .limit(n);
    for (const c of open)
      await city.log.append(c.id, [{ type: 'urged', payload: { comment: '市级督办', level: 'normal' } }], {
        userId: 'city-leader',
        role: 'leader',
      });
  }

  it('a first sync brings both sides level', async () => {
    await districtWork(6);
    timings.initial = await expectConvergence(read);
    expect(client.status().link).toBe('up');
  });

  it('the link is cut for a while (minutes, compressed to 12 s) while both sides keep working', async () => {
    proxy.cutLink();
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      await districtWork(3);
      await cityWork(2);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(client.status().link).toBe('down');
    expect(client.status().backlog).toBeGreaterThan(0);
    expect(client.status().oldestUnsyncedAgeMs).not.toBeNull();
    proxy.restore();
    timings.cut = await expectConvergence(read);
  });

  it('the link flaps every 1.5 s for 12 s; every cycle of work converges once it settles', async () => {
    proxy.flap(1_500);
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      await districtWork(2);
      await cityWork(1);
      await new Promise((r) => setTimeout(r, 300));
    }
    proxy.stopFlapping();
    timings.flap = await expectConvergence(read);
    expect(proxy.stats.cuts).toBeGreaterThanOrEqual(4);
  });

  it('acknowledgements are lost after central committed: replays are harmless, nothing is stored twice', async () => {
    const dropped = proxy.stats.dropped;
    proxy.dropResponses(3, (r) => r.method === 'POST' && r.path === '/sync/v1/events');
    for (let i = 0; i < 4; i++) {
      await districtWork(2);
      await new Promise((r) => setTimeout(r, 500));
    }
    timings.lostAcks = await expectConvergence(read);
    expect(proxy.stats.dropped - dropped).toBe(3);
  });

  it('central is killed in the middle of a batch and restarted; the edge resumes from its watermark', async () => {
    proxy.cutLink();
    await districtWork(40); // a backlog of several batches
    const batch = new Promise<void>((resolve) => {
      const off = proxy.onRequest((r) => {
        if (r.method === 'POST' && r.path === '/sync/v1/events') {
          off();
          resolve();
        }
      });
    });
    proxy.restore();
    await batch;
    await centralProc.kill('SIGKILL'); // the batch is in flight: committed or rolled back, never half
    await districtWork(3); // the district keeps working while central is down
    centralProc = await startCentralProcess();
    timings.centralRestart = await expectConvergence(read);
  });

  it('the sync status API and /metrics show the link, the backlog and the oldest unsynced age', async () => {
    const lead = await h.as('shift_lead');
    const status = await lead.json<{ link: string; backlog: number; lastSyncAt: number | null }>(
      'GET',
      '/api/v1/sync/status',
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ link: 'up', backlog: 0 });
    expect(status.body.lastSyncAt).not.toBeNull();
    expect((await (await h.as('collector')).request('GET', '/api/v1/sync/status')).status).toBe(403);
    const admin = await h.as('admin');
    const metrics = await (await admin.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/^wanmi_sync_link_up 1$/m);
    expect(metrics).toMatch(/^wanmi_sync_backlog_events 0$/m);
    expect(metrics).toMatch(/^wanmi_sync_oldest_unsynced_seconds 0$/m);
  });
});
