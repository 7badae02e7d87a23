import type { z } from 'zod';
import type { syncConfigSchema } from './sync.config.js';

/**
 * The `sync` config section of the embedded demo (`npm start`): off, unless a municipal centre is named in the
 * environment — `WANMI_CENTRAL_URL` (e.g. `http://127.0.0.1:8090` from `node --import tsx central/main.ts`) and
 * `WANMI_SYNC_TOKEN` (from `node --import tsx central/main.ts token district:320481`), resolved as `${ENV}`.
 */
export function demoSyncConfig(env: NodeJS.ProcessEnv = process.env): z.input<typeof syncConfigSchema> {
  if (!env.WANMI_CENTRAL_URL) return { enabled: false };
  // biome-ignore lint/suspicious/noTemplateCurlyInString: config placeholders, resolved from the environment at load
  return { enabled: true, centralUrl: '${WANMI_CENTRAL_URL}', token: '${WANMI_SYNC_TOKEN}', intervalMs: 2_000 };
}
