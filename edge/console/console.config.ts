import { z } from 'zod';

/**
 * The `console` section of the edge config (strict). `distDir` defaults to the repository's `console/dist`;
 * `basemap` names a provisioned PMTiles file (served with HTTP range requests); without it the map has no base map.
 */
export const consoleConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  distDir: z.string().min(1).optional(),
  basemap: z
    .string()
    .min(1)
    .regex(/\.pmtiles$/, { error: 'must be a .pmtiles file' })
    .optional(),
});

export type ConsoleConfig = z.output<typeof consoleConfigSchema>;
