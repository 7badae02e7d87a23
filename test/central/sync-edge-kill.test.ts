import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Central } from '../../central/main.js';
import { buildCentral } from '../../central/main.js';
import { freePort, type PgCluster, startPostgres } from '../support/postgres.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { type Child, centralSnapshot, edgeSnapshot, expectConvergence, startChild } from './convergence.js';

const DISTRICT = '320481';
const ORIGIN = `district:${DISTRICT}`;

/**
 * The edge process is SIGKILLed while it pushes a backlog (a batch is on the wire), then started again on the same
 * data directory: its watermark only moved on acknowledgements, so it re-sends at most the batch in flight, which
 * central takes as a no-op. Central runs as its own process on PostgreSQL 15, behind the test's TCP proxy.
 */
describe('sync v1: the edge is SIGKILLed mid-push', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-edge-kill-'));
  let pg: PgCluster;
  let city: Central;
  let centralProc: Child;
  let proxy: TcpProxy;
  let edge: Child | null = null;
  let token: string;

  const startEdgeProcess = () =>
    startChild('test/support/edge-sync-process.ts', [dir, proxy.url], { WANMI_SYNC_TOKEN: token });

  beforeAll(async () => {
    pg = await startPostgres();
    city = await buildCentral({ db: { kind: 'postgres', url: pg.url, poolSize: 3 }, city: '320400' });
    token = await city.sync.issueToken(ORIGIN, 'edge-kill suite');
    const port = await freePort();
    centralProc = await startChild('central/main.ts', [], {
      WANMI_CENTRAL_DB: pg.url,
      WANMI_CENTRAL_PORT: String(port),
    });
    proxy = new TcpProxy({ host: '127.0.0.1', port });
    await proxy.listen();
  }, 120_000);

  afterAll(async () => {
    await edge?.kill('SIGKILL');
    await proxy?.close();
    await centralProc?.kill('SIGKILL');
    await city?.close();
    await pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a restart on the same data dir, both sides converge with no event lost or stored twice', async () => {
    proxy.cutLink();
    let t = Date.now();
    edge = await startEdgeProcess();
    const startMs = Date.now() - t;
    t = Date.now();
    edge.send('REPORTS 600 before-kill'); // 600 events: 3 batches of 200
    await edge.waitFor(/^DONE 600$/, 60_000);
    const reportsMs = Date.now() - t;
    expect(edgeSnapshot(join(dir, 'edge.db'), ORIGIN).backlog).toBe(600);

    let posts = 0;
    const third = new Promise<void>((resolve) => {
      const off = proxy.onRequest((r) => {
        // Two batches are in flight at once: the third is sent only after the first one's ack was stored.
        if (r.method === 'POST' && r.path === '/sync/v1/events' && ++posts === 3) {
          off();
          resolve();
        }
      });
    });
    proxy.restore();
    await third;
    await edge.kill('SIGKILL'); // the third batch is on the wire
    const afterKill = edgeSnapshot(join(dir, 'edge.db'), ORIGIN);
    expect(afterKill.backlog).toBeGreaterThan(0); // the kill really landed mid-push
    expect(afterKill.backlog).toBeLessThan(600);

    edge = await startEdgeProcess();
    const ms = await expectConvergence(async () => ({
      edge: edgeSnapshot(join(dir, 'edge.db'), ORIGIN),
      city: await centralSnapshot(city, DISTRICT),
    }));
    console.log(
      JSON.stringify({
        msg: 'edge SIGKILL mid-push: converged after restart',
        ms,
        startMs,
        reportsMs,
        backlogAtKill: afterKill.backlog,
      }),
    );
    expect((await centralSnapshot(city, DISTRICT)).ids).toHaveLength(600);
  }, 120_000);
});
