import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../edge/db/open.js';

/**
 * Runs once before the suite: the browser tests drive the built console (`console/dist`), so a fresh clone that runs
 * `npm test` without `npm run build` gets it built here, as `npm start` does. An existing build is used as it is.
 */
export default function setup(): void {
  const root = projectRoot();
  if (existsSync(join(root, 'console', 'dist', 'index.html'))) return;
  const vite = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit', timeout: 300_000 },
  );
  if (vite.status !== 0) throw new Error(`building the console for the browser tests failed (exit ${vite.status})`);
}
