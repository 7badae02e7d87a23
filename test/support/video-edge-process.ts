/**
 * A real edge node with the video feature as its own process, for the test that SIGKILLs it:
 * `node --import tsx test/support/video-edge-process.ts <dataDir> <video-config.json>`. Creates an operator with a
 * bearer token and prints `READY <port> <token>` on stdout.
 */
import { readFileSync } from 'node:fs';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import { DEMO_PASSWORD, insertTestGrid } from './edge-harness.js';

async function main(): Promise<void> {
  const [dataDir, videoFile] = process.argv.slice(2);
  if (!dataDir || !videoFile) throw new Error('usage: video-edge-process.ts <dataDir> <video-config.json>');
  const node = buildEdge(
    parseEdgeConfig({
      version: 1,
      district: { division: '320481', name: '溧阳市' },
      city: { division: '320400', name: '常州市' },
      dataDir,
      http: { port: 0, host: '127.0.0.1' },
      video: JSON.parse(readFileSync(videoFile, 'utf8')),
    }),
  );
  insertTestGrid(node);
  const user = await node.services.auth.createUser({
    username: 'wall-operator',
    displayName: 'video wall',
    role: 'operator',
    departmentId: null,
    password: DEMO_PASSWORD,
  });
  const token = node.services.auth.issueToken(user.id, 'video wall');
  const server = await startEdge(node);
  process.stdout.write(`READY ${server.port} ${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`video-edge-process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
