import type { GpsConfigInput } from './gps.config.js';

/**
 * The `gps` config section of the embedded demo (`npm start`): an in-process aedes broker on a free local port
 * (no system service), and simulated vehicles and collectors on the demo district's streets at 1 Hz.
 */
export function demoGpsConfig(_dataDir: string): GpsConfigInput {
  return {
    enabled: true,
    embedded: { enabled: true, host: '127.0.0.1', port: 0 },
    broker: { clientId: 'wanmi-demo-ingest' },
    live: { throttleMs: 1000 },
    simulator: { enabled: true, vehicles: 60, collectors: 20, hz: 1 },
  };
}
