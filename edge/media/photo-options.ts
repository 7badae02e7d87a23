import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * Limits and output settings for one report photo; every bound has a default (DESIGN.md §7: size- and pixel-capped).
 * Kept apart from the pipeline so the main thread reads the limits without loading sharp.
 */
export const photoOptionsSchema = z.strictObject({
  /** Upload size cap, checked before anything is decoded. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(12 * MiB),
  /** Pixel cap (width × height), checked from the header so a decompression bomb is refused before decoding. */
  maxPixels: z.number().int().positive().default(40_000_000),
  /** Long edge of the published copy; smaller photos are not enlarged. */
  maxEdge: z.number().int().min(64).max(8192).default(1920),
  jpegQuality: z.number().int().min(1).max(100).default(80),
  /** Per sharp pipeline; a hostile image that makes libvips grind is abandoned instead of hanging the upload. */
  timeoutSeconds: z.number().int().min(1).max(300).default(20),
  /** Request field named in every rejection, e.g. `photos[2]`. */
  field: z.string().min(1).optional(),
});

export type PhotoOptions = z.input<typeof photoOptionsSchema>;
