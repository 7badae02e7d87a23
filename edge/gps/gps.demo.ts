import type { z } from 'zod';
import type { gpsConfigSchema } from './gps.config.js';

/** The `gps` config section of the embedded demo (`npm start`): no system services needed. */
export function demoGpsConfig(_dataDir: string): z.input<typeof gpsConfigSchema> {
  return {};
}
