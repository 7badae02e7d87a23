/**
 * A real edge node as its own process, for tests that kill it: `node --import tsx test/support/edge-process.ts
 * <dataDir> <port> [--wait]` (port 0 = any free port). On first start it creates a collector and a bearer token in
 * <dataDir>/token.txt; it always ensures TEST_GRID exists, serves, and prints `READY <port>` on stdout.
 * With `--wait` it loads its modules, then opens nothing until a `GO` line arrives on stdin, and exits when stdin
 * closes: a test pays the start-up cost while the previous process still runs, and never leaves an orphan.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import type { EdgeConfig } from '../../edge/config/edge-config.js';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { users } from '../../edge/db/schema.js';
import type { EdgeNode } from '../../edge/main.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import { DEMO_PASSWORD, insertTestGrid } from './edge-harness.js';

export const COLLECTOR_USERNAME = 'crash-collector';

/** The node's configuration; the test that checks the store after the kills folds with the same `fold` section. */
export function edgeProcessConfig(dataDir: string, port: number): EdgeConfig {
  return parseEdgeConfig({
    version: 1,
    district: { division: '320481', name: '溧阳市' },
    city: { division: '320400', name: '常州市' },
    dataDir,
    http: { port, host: '127.0.0.1' },
  });
}

/** Writes the file so that a kill at any point leaves either no file or the whole file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The collector's bearer token: reused when present, otherwise issued (creating the collector if needed). */
async function ensureToken(node: EdgeNode, dataDir: string): Promise<void> {
  const file = join(dataDir, 'token.txt');
  if (existsSync(file) && readFileSync(file, 'utf8').trim()) return;
  // A kill between creating the user and writing the file leaves the user behind: reuse it.
  const known = node.db.select({ id: users.id }).from(users).where(eq(users.username, COLLECTOR_USERNAME)).get();
  const userId =
    known?.id ??
    (
      await node.services.auth.createUser({
        username: COLLECTOR_USERNAME,
        displayName: 'crash collector',
        role: 'collector',
        departmentId: null,
        password: DEMO_PASSWORD,
      })
    ).id;
  writeAtomically(file, node.services.auth.issueToken(userId, 'crash-safety handset'));
}

function ensureGrid(node: EdgeNode): void {
  insertTestGrid(node);
}

/** Resolves on the first `GO` line; exits the process when stdin closes (the test that spawned us is gone). */
function goSignal(): Promise<void> {
  return new Promise((go) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'GO') go();
    });
    lines.on('close', () => process.exit(0));
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [dataDir, portArg, flag] = argv;
  const port = Number(portArg ?? '0');
  if (!dataDir || !Number.isInteger(port) || (flag !== undefined && flag !== '--wait'))
    throw new Error('usage: edge-process.ts <dataDir> <port> [--wait]');
  if (flag === '--wait') await goSignal();
  const node = buildEdge(edgeProcessConfig(dataDir, port));
  await ensureToken(node, dataDir);
  ensureGrid(node);
  const server = await startEdge(node);
  process.stdout.write(`READY ${server.port}\n`);
  process.once('SIGTERM', () => {
    void server.stop().finally(() => {
      node.close();
      process.exit(0);
    });
  });
}

// Imported by a test for `edgeProcessConfig`: only the process started with this file (or its bundle) serves.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`edge-process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
