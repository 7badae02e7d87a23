import { z } from 'zod';

/** The `sync` section of the edge config: where the municipal centre is and this district's token. */
export const syncConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
});

export type SyncConfig = z.output<typeof syncConfigSchema>;
