import { type EdgeConfig, loadEdgeConfig } from '../config/edge-config.js';
import { DEFAULT_DEMO_DATA_DIR, demoConfig } from '../demo/config.js';
import { UsageError } from './args.js';

/** The options every command that opens a data dir takes. */
export const dataDirOptions = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/**
 * The node configuration a command works on: `--config <file>` (the edge config JSON), else the demo configuration
 * on `--data-dir`, WANMI_DATA_DIR or ./data/demo.
 */
export function resolveConfig(values: Record<string, unknown>, env: NodeJS.ProcessEnv): EdgeConfig {
  const file = values.config;
  const dir = values['data-dir'];
  if (typeof file === 'string' && typeof dir === 'string')
    throw new UsageError('give --config or --data-dir, not both');
  if (typeof file === 'string') {
    try {
      return loadEdgeConfig(file, env);
    } catch (error) {
      throw new UsageError(`--config ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return demoConfig(typeof dir === 'string' ? dir : (env.WANMI_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR));
}
