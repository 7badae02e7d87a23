import type { z } from 'zod';
import type { videoConfigSchema } from './video.config.js';

/** The `video` config section of the embedded demo (`npm start`): no system services needed. */
export function demoVideoConfig(_dataDir: string): z.input<typeof videoConfigSchema> {
  return {};
}
