import { type EdgeConfig, parseEdgeConfig } from '../config/edge-config.js';
import { demoGpsConfig } from '../gps/gps.demo.js';
import { demoSyncConfig } from '../sync/sync.demo.js';
import { demoVideoConfig } from '../video/video.demo.js';

/** Where `npm start` keeps the demo unless WANMI_DATA_DIR says otherwise (relative to the working directory). */
export const DEFAULT_DEMO_DATA_DIR = './data/demo';

/** The embedded configuration of the demo appliance: 溧阳市 (320481) in 常州市, everything else at its default. */
export function demoConfig(dataDir: string, http: { host?: string; port?: number } = {}): EdgeConfig {
  return parseEdgeConfig({
    version: 1,
    district: { division: '320481', name: '溧阳市' },
    city: { division: '320400', name: '常州市' },
    dataDir,
    http,
    sync: demoSyncConfig(),
    gps: demoGpsConfig(dataDir),
    video: demoVideoConfig(dataDir),
  });
}
