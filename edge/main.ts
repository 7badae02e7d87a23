import { join, resolve } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import type { CategoryDirectory } from '../shared/codes/index.js';
import { standardDirectory } from '../shared/codes/index.js';
import { HybridLogicalClock } from '../shared/identity/hlc.js';
import { AuthService } from './auth/auth.service.js';
import { CaseStore } from './cases/case.store.js';
import { ClockSweep } from './cases/clock-sweep.feature.js';
import { WorkflowService } from './cases/workflow.service.js';
import type { EdgeConfig } from './config/edge-config.js';
import type { EdgeDb } from './db/open.js';
import { openEdgeDb } from './db/open.js';
import { nodeState } from './db/schema.js';
import type { EdgeFeature } from './feature.js';
import { edgeFeatures } from './features.js';
import type { EdgeServices } from './http/app.js';
import { createEdgeApp, ledgerQuery } from './http/app.js';
import { LiveHub } from './http/live.js';
import { EdgeMetrics } from './http/metrics.js';
import { CandidateService } from './intake/candidates.js';
import { Geocoder } from './intake/geocoder.js';
import { IntakeService } from './intake/intake.service.js';
import { photoUploads } from './intake/photo-uploads.js';
import { BlobStore } from './media/blob-store.js';
import { PhotoWorker } from './media/photo-worker-client.js';

export interface EdgeNode {
  config: EdgeConfig;
  db: EdgeDb;
  services: EdgeServices;
  geocoder: Geocoder;
  sweep: ClockSweep;
  /** The optional features switched on by the config (edge/features.ts). */
  features: readonly EdgeFeature[];
  app: ReturnType<typeof createEdgeApp>['app'];
  registry: ReturnType<typeof createEdgeApp>['registry'];
  close(): void;
}

export interface BuildOptions {
  /** Injectable wall clock (tests move time to watch clocks turn yellow and red). */
  now?: () => number;
  directory?: CategoryDirectory;
}

/**
 * The composition root of the edge `api` process, in reading order: config → store → clock → services → HTTP.
 * Constructors only store their deps; nothing listens until `startEdge`.
 */
export function buildEdge(config: EdgeConfig, opts: BuildOptions = {}): EdgeNode {
  const now = opts.now ?? Date.now;
  const dataDir = resolve(config.dataDir);
  const db = openEdgeDb(join(dataDir, 'edge.db'));
  const origin = `district:${config.district.division}`;
  const lastHlc = db.select({ value: nodeState.value }).from(nodeState).where(eq(nodeState.key, 'hlc')).get()?.value;
  const hlc = new HybridLogicalClock({ now, ...(lastHlc ? { last: lastHlc } : {}) });
  const store = new CaseStore({
    db,
    origin,
    hlc,
    foldConfig: config.fold,
    calendar: config.calendar,
    thresholds: config.thresholds,
    now,
  });
  const geocoder = new Geocoder(db);
  geocoder.reload();
  const directory = opts.directory ?? standardDirectory;
  const blobs = new BlobStore({ dir: join(dataDir, 'blobs'), db, now: () => new Date(now()) });
  const live = new LiveHub();
  store.onChange((caseIds) => live.publish({ type: 'cases', caseIds: [...caseIds] }));
  const intake = new IntakeService({ db, store, config, directory, geocoder, now });
  const photoWorker = new PhotoWorker();
  const uploads = photoUploads({
    db,
    blobs,
    worker: photoWorker,
    options: { maxBytes: config.uploads.maxBytes, maxPixels: config.uploads.maxPixels },
  });
  const services: EdgeServices = {
    config,
    db,
    store,
    workflow: new WorkflowService({ db, directory, store, config, origin, now }),
    intake,
    candidates: new CandidateService({
      db,
      intake,
      uploads,
      now,
      onRaised: (row) => live.publish({ type: 'candidate', id: row.id, source: row.source, rule: row.rule }),
    }),
    live,
    directory,
    auth: new AuthService({
      db,
      sessionHours: config.auth.sessionHours,
      loginMaxAttempts: config.auth.loginMaxAttempts,
      loginWindowSeconds: config.auth.loginWindowSeconds,
      now,
    }),
    metrics: new EdgeMetrics(db, now),
    uploads,
    now,
    ledger: (op) => ledgerQuery(db, op),
    reloadGeocoder: () => void geocoder.reload(),
  };
  const sweep = new ClockSweep({
    db,
    calendar: config.calendar,
    thresholds: config.thresholds,
    now,
    onAlerts: (alerts) => {
      live.publish({ type: 'alerts', alerts });
      console.log(
        JSON.stringify({ level: 'warn', msg: 'clock alerts', count: alerts.length, alerts: alerts.slice(0, 20) }),
      );
    },
  });
  const features = edgeFeatures
    .map((create) => create({ config, db, dataDir, services, geocoder, origin, now }))
    .filter((f): f is EdgeFeature => f !== null);
  const { app, registry } = createEdgeApp(services, features);
  return {
    config,
    db,
    services,
    geocoder,
    sweep,
    features,
    app,
    registry,
    close: () => {
      sweep.stop();
      void photoWorker.close();
      db.$client.close();
    },
  };
}

/** Serves the node's HTTP API; resolves with the bound port. */
export function startEdge(node: EdgeNode): Promise<{ port: number; stop: () => Promise<void> }> {
  return new Promise((resolvePort, reject) => {
    const server = serve(
      { fetch: node.app.fetch, hostname: node.config.http.host, port: node.config.http.port },
      (info) => {
        node.sweep.start();
        startFeatures(node.features, server).then(
          () =>
            resolvePort({
              port: info.port,
              stop: async () => {
                node.sweep.stop();
                for (const feature of [...node.features].reverse()) await feature.stop?.();
                await new Promise<void>((done) => server.close(() => done()));
              },
            }),
          (error: unknown) => {
            server.close();
            reject(error);
          },
        );
      },
    );
    // A busy port (EADDRINUSE) or a bad host rejects the start instead of crashing the process.
    server.once('error', reject);
  });
}

async function startFeatures(features: readonly EdgeFeature[], server: ServerType): Promise<void> {
  for (const feature of features) await feature.start?.(server);
}
