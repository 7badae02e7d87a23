import { z } from 'zod';

/** The `gps` section of the edge config (strict: unknown keys are errors). */
export const gpsConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
});

export type GpsConfig = z.output<typeof gpsConfigSchema>;
