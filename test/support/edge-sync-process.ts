/**
 * A real edge node with its city link switched on, as its own process (for tests that SIGKILL it mid-push):
 * `node --import tsx test/support/edge-sync-process.ts <dataDir> <centralUrl>`, the sync token in the environment
 * (`WANMI_SYNC_TOKEN`, read through the config's `${ENV}` placeholder). Prints `READY <port>`. Commands on stdin:
 * `REPORTS <n> <tag>` files n collector reports through the intake service (as the HTTP route would) and answers
 * `DONE <n>`; the process exits when stdin closes, so a test never leaves an orphan.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { EdgeConfig } from '../../edge/config/edge-config.js';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import { insertTestDepartments, insertTestGrid } from './edge-harness.js';

/** Short intervals so a test sees convergence in seconds; production defaults are in edge/sync/sync.config.ts. */
export const TEST_SYNC_TIMING = {
  intervalMs: 300,
  backoffMs: 100,
  maxBackoffMs: 1_000,
  repairEveryMs: 5_000,
  requestTimeoutMs: 4_000,
  batchSize: 200,
} as const;

export function edgeSyncConfig(dataDir: string, centralUrl: string, port = 0): EdgeConfig {
  return parseEdgeConfig({
    version: 1,
    district: { division: '320481', name: '溧阳市' },
    city: { division: '320400', name: '常州市' },
    dataDir,
    http: { port, host: '127.0.0.1' },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, resolved from the environment
    sync: { enabled: true, centralUrl, token: '${WANMI_SYNC_TOKEN}', ...TEST_SYNC_TIMING },
  });
}

const collector = {
  userId: 'sync-fault-collector',
  username: 'sync-fault-collector',
  displayName: 'collector',
  role: 'collector' as const,
  departmentId: null,
  via: 'token' as const,
  csrfToken: null,
};

async function main(argv: readonly string[]): Promise<void> {
  const [dataDir, centralUrl] = argv;
  if (!dataDir || !centralUrl) throw new Error('usage: edge-sync-process.ts <dataDir> <centralUrl>');
  const node = buildEdge(edgeSyncConfig(dataDir, centralUrl));
  insertTestGrid(node);
  insertTestDepartments(node);
  node.geocoder.reload();
  const server = await startEdge(node);
  process.stdout.write(`READY ${server.port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const m = /^REPORTS (\d+) (\S+)$/.exec(line.trim());
    if (!m) return;
    const n = Number(m[1]);
    for (let i = 0; i < n; i++)
      node.services.intake.report(
        { principal: collector, ip: null },
        {
          clientReportId: `${m[2]}-${i}`,
          category: { kind: 'matter', code: '06001' },
          location: { lon: 119.48 + (i % 100) * 0.0001, lat: 31.42 },
          description: `${m[2]} ${i}`,
        },
      );
    process.stdout.write(`DONE ${n}\n`);
  });
  lines.on('close', () => void server.stop().finally(() => process.exit(0)));
  process.once('SIGTERM', () => void server.stop().finally(() => process.exit(0)));
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`edge-sync-process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
