import { z } from 'zod';

/**
 * The `sync` section of the edge config: where the municipal centre is and this district's token. The token is a
 * secret: write it as a `${ENV}` placeholder (e.g. `"token": "${WANMI_SYNC_TOKEN}"`), resolved when the config loads.
 */
export const syncConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Base URL of central, e.g. `https://city.example.gov.cn` (paths `/sync/v1/...` are appended). */
    centralUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** This edge's sync token, issued by central and bound to `district:<division>`. */
    token: z.string().min(20, { error: 'must be the token issued by central (at least 20 characters)' }).optional(),
    /** Pause between successful rounds; failures back off with jitter instead. */
    intervalMs: z.number().int().min(100).max(3_600_000).default(5_000),
    backoffMs: z.number().int().min(10).max(60_000).default(1_000),
    maxBackoffMs: z.number().int().min(100).max(3_600_000).default(60_000),
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** Batch size while the outbox holds more than 4 batches (catch-up after an outage). */
    catchUpBatchSize: z.number().int().min(1).max(10_000).default(10_000),
    /** Anti-entropy: per-day digests compared at most this often (and after every reconnect). */
    repairEveryMs: z.number().int().min(1_000).max(86_400_000).default(300_000),
    requestTimeoutMs: z.number().int().min(500).max(300_000).default(30_000),
  })
  .superRefine((v, ctx) => {
    if (!v.enabled) return;
    if (!v.centralUrl)
      ctx.addIssue({ code: 'custom', path: ['centralUrl'], message: 'is required when sync is enabled' });
    if (!v.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'is required when sync is enabled' });
  });

export type SyncConfig = z.output<typeof syncConfigSchema>;
