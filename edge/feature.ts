import type { ServerType } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { EdgeConfig } from './config/edge-config.js';
import type { EdgeDb } from './db/open.js';
import type { EdgeServices } from './http/app.js';
import type { EdgeEnv } from './http/env.js';
import type { RouteRegistry } from './http/registry.js';
import type { Geocoder } from './intake/geocoder.js';

/** What a feature gets from the composition root. */
export interface FeatureContext {
  config: EdgeConfig;
  db: EdgeDb;
  /** Absolute data directory (feature databases such as `tracks.db` live here). */
  dataDir: string;
  services: EdgeServices;
  /** The node's grid and component index (reloaded after a base-data import). */
  geocoder: Geocoder;
  /** This node's origin, e.g. `district:320481`. */
  origin: string;
  now: () => number;
}

/**
 * A feature of the edge `api` process (GPS, video, sync, console, …). Built by `buildEdge`, its routes join the one
 * Hono app (so the route-access test enumerates them), `start` runs once the HTTP server listens (WebSocket upgrades
 * attach to that server), `stop` runs before the database closes, in reverse order.
 */
export interface EdgeFeature {
  readonly name: string;
  routes?(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry): void;
  start?(server: ServerType): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export type FeatureFactory = (ctx: FeatureContext) => EdgeFeature | null;
