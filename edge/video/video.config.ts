import { z } from 'zod';

/** The `video` section of the edge config (strict: unknown keys are errors). */
export const videoConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
});

export type VideoConfig = z.output<typeof videoConfigSchema>;
