import type { GridGeometry } from '../../shared/geo/index.js';
import { GridIndex } from '../../shared/geo/index.js';
import { grids } from '../db/schema.js';
import type { EdgeFeature, FeatureContext, FeatureFactory } from '../feature.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { gpsRoutes } from './gps.routes.js';
import { type CandidateSink, GpsService } from './gps.service.js';
import { Simulator, streetGraph } from './simulator.js';

export interface GpsFeature extends EdgeFeature {
  readonly name: 'gps';
  readonly service: GpsService;
  /** The broker URL the ingest uses (the embedded broker's when it runs). */
  brokerUrl(): string;
}

export interface GpsFeatureDeps {
  /** Intake candidates; defaults to `ctx.services.candidates` when the intake module provides it. */
  candidates?: CandidateSink;
  log?: (entry: Record<string, unknown>) => void;
}

/** The gps feature (DESIGN.md §5): MQTT ingest → pipeline → tracks.db, live SSE, playback, alarms. Off until configured. */
export function createGpsFeature(ctx: FeatureContext, deps: GpsFeatureDeps = {}): GpsFeature | null {
  const config = ctx.config.gps;
  if (!config.enabled) return null;
  const services = ctx.services as typeof ctx.services & { candidates?: CandidateSink };
  const service = new GpsService({
    config,
    district: ctx.config.district.division,
    origin: ctx.origin,
    dataDir: ctx.dataDir,
    now: ctx.now,
    candidates: deps.candidates ?? services.candidates,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const broker = config.embedded.enabled ? new EmbeddedBroker() : undefined;
  let simulator: Simulator | undefined;
  let url = config.broker.url;

  // Point → unit grid for patrol coverage, built on first use from edge.db (rebuilt when the grid count changes).
  let index: { size: number; grids: GridIndex } | undefined;
  const coverageIndex = () => {
    const count = ctx.db.$client.prepare('SELECT count(*) AS n FROM grids').get() as { n: number };
    if (count.n === 0) return undefined;
    if (index?.size !== count.n) {
      const rows = ctx.db.select({ code: grids.code, geometry: grids.geometry }).from(grids).all();
      index = {
        size: count.n,
        grids: GridIndex.build(rows.map((g) => ({ code: g.code, geometry: JSON.parse(g.geometry) as GridGeometry }))),
      };
    }
    return index.grids;
  };

  return {
    name: 'gps',
    service,
    brokerUrl: () => url,
    routes(app, registry) {
      gpsRoutes(app, registry, service, config, coverageIndex);
    },
    async start() {
      if (broker) url = await broker.start(config.embedded.host, config.embedded.port);
      if (config.simulator.enabled) {
        const rows = ctx.db.select({ geometry: grids.geometry }).from(grids).all();
        simulator = new Simulator(
          streetGraph(rows.map((r) => r.geometry)),
          { ...config.simulator, district: ctx.config.district.division },
          ctx.now,
        );
        for (const d of simulator.plan.devices) service.enrol(d);
        service.setExtraFences(simulator.plan.fences);
      }
      await service.start(url);
      if (simulator) await simulator.start(url);
    },
    async stop() {
      await simulator?.stop();
      await service.stop();
      await broker?.stop();
    },
  };
}

export const gpsFeature: FeatureFactory = (ctx) => createGpsFeature(ctx);
