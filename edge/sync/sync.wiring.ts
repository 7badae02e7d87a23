import { join } from 'node:path';
import { z } from '@hono/zod-openapi';
import { Gauge } from 'prom-client';
import type { EdgeFeature, FeatureFactory } from '../feature.js';
import { defineRoute } from '../http/route.js';
import { errorResponses } from '../http/schemas.js';
import { BlobStore } from '../media/blob-store.js';
import { SyncFeature } from './sync.feature.js';

const statusSchema = z
  .object({
    link: z.enum(['unknown', 'up', 'down']),
    backlog: z.number().int(),
    oldestUnsyncedAgeMs: z.number().nullable(),
    lastError: z.string().nullable(),
    lastSyncAt: z.number().nullable(),
    lastRepair: z
      .object({
        at: z.number(),
        days: z.array(z.string()),
        pushed: z.number(),
        fetched: z.number(),
        unrepairable: z.number(),
      })
      .nullable(),
  })
  .openapi('SyncStatus');

/**
 * Wires the sync client into the edge process when a city link is configured: the client loop (start/stop with the
 * server), `GET /api/v1/sync/status` for the console, and gauges on the node's `/metrics` registry.
 */
export type SyncEdgeFeature = EdgeFeature & { client: SyncFeature };

export const syncFeature: FeatureFactory = (ctx): SyncEdgeFeature | null => {
  const cfg = ctx.config.sync;
  if (!cfg.enabled || !cfg.centralUrl || !cfg.token) return null;
  const client = new SyncFeature({
    db: ctx.db,
    store: ctx.services.store,
    origin: ctx.origin,
    centralUrl: cfg.centralUrl,
    token: cfg.token,
    fetch: (input, init) => fetch(input, init),
    now: ctx.now,
    batchSize: cfg.batchSize,
    catchUpBatchSize: cfg.catchUpBatchSize,
    backoffMs: cfg.backoffMs,
    maxBackoffMs: cfg.maxBackoffMs,
    repairEveryMs: cfg.repairEveryMs,
    requestTimeoutMs: cfg.requestTimeoutMs,
    blobs: new BlobStore({ dir: join(ctx.dataDir, 'blobs'), db: ctx.db }),
  });

  // Read when scraped: one indexed count over the outbox.
  const registers = [ctx.services.metrics.registry];
  const link = new Gauge({
    name: 'wanmi_sync_link_up',
    help: 'city link: 1 up, 0 down, -1 not yet tried',
    registers,
    collect() {
      this.set(client.link === 'up' ? 1 : client.link === 'down' ? 0 : -1);
    },
  });
  const backlog = new Gauge({
    name: 'wanmi_sync_backlog_events',
    help: 'own events not yet acknowledged by central (the outbox)',
    registers,
    collect() {
      this.set(client.status().backlog);
    },
  });
  const oldest = new Gauge({
    name: 'wanmi_sync_oldest_unsynced_seconds',
    help: 'age of the oldest event central has not acknowledged (0 when none)',
    registers,
    collect() {
      this.set((client.status().oldestUnsyncedAgeMs ?? 0) / 1000);
    },
  });
  const lastSync = new Gauge({
    name: 'wanmi_sync_last_success_timestamp_seconds',
    help: 'when the last full sync round succeeded (0 never)',
    registers,
    collect() {
      this.set((client.lastSyncAt ?? 0) / 1000);
    },
  });
  void [link, backlog, oldest, lastSync];

  return {
    name: 'sync',
    client,
    routes(app, registry) {
      defineRoute(
        app,
        registry,
        'sync.read',
        {
          method: 'get',
          path: '/api/v1/sync/status',
          summary: 'the city link: state, outbox backlog, oldest unsynced age, last sync, last error, last repair',
          responses: {
            200: { description: 'sync status', content: { 'application/json': { schema: statusSchema } } },
            ...errorResponses,
          },
        },
        (c) => c.json(client.status(), 200),
      );
    },
    start() {
      client.start(cfg.intervalMs);
    },
    async stop() {
      await client.stop();
    },
  };
};
