import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { FeatureFactory } from '../feature.js';
import { requireAccess } from '../http/auth.middleware.js';
import type { EdgeEnv } from '../http/env.js';
import { errorBody } from '../http/errors.js';
import type { RouteRegistry } from '../http/registry.js';
import { ConsoleQueries } from './console.queries.js';
import { consoleDataRoutes } from './console-data.routes.js';
import { rangeResponse, resolveInside, staticResponse } from './static-files.js';

/**
 * The repository's `console/dist` (built by `npx vite build --config console/vite.config.ts`), from the sources
 * (edge/console) or from the compiled output of `npm run build` (dist/edge/console).
 */
export const defaultDistDir =
  [
    fileURLToPath(new URL('../../console/dist', import.meta.url)),
    fileURLToPath(new URL('../../../console/dist', import.meta.url)),
  ].find((dir) => existsSync(join(dir, 'index.html'))) ?? fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths that belong to the API and never fall back to the single-page app. */
const apiPrefixes = ['/api/', '/open311/', '/sync/', '/metrics', '/health', '/ready'];

/** Serves the built console (single-page app) and the console's read models. */
export const consoleFeature: FeatureFactory = (ctx) => {
  const cfg = ctx.config.console;
  if (!cfg.enabled) return null;
  const distDir = resolve(cfg.distDir ?? defaultDistDir);
  const basemap = cfg.basemap ? resolve(ctx.dataDir, cfg.basemap) : null;
  const queries = new ConsoleQueries(ctx.db, ctx.config.calendar.utcOffsetMinutes);
  return {
    name: 'console',
    routes(app, registry) {
      consoleDataRoutes(app, registry, ctx, queries, basemap !== null);
      staticRoutes(app, registry, distDir, basemap);
    },
  };
};

/** The base map (range requests) and the app's files with the single-page fallback; registered last. */
export function staticRoutes(
  app: OpenAPIHono<EdgeEnv>,
  registry: RouteRegistry,
  distDir: string,
  basemap: string | null,
): void {
  registry.add({ method: 'get', path: '/api/v1/console/basemap.pmtiles' }, 'basedata.read');
  app.get('/api/v1/console/basemap.pmtiles', requireAccess('basedata.read'), (c) => {
    if (!basemap) return c.json(errorBody('not_found', 'no base map is provisioned (console.basemap)'), 404);
    return rangeResponse(basemap, c.req.header('range'), c.req.method);
  });
  registry.add({ method: 'get', path: '/*' }, 'public');
  app.get('/*', (c) => {
    const path = c.req.path;
    if (apiPrefixes.some((p) => path.startsWith(p))) {
      return c.json(errorBody('not_found', `no route ${c.req.method} ${path}`), 404);
    }
    const file = path === '/' ? null : resolveInside(distDir, path);
    if (file) return staticResponse(file, path, c.req.method);
    // A path with a file extension is an asset that does not exist; anything else is a page of the app.
    if (/\.[a-z0-9]+$/i.test(path)) return c.json(errorBody('not_found', `no file ${path}`), 404);
    const index = resolveInside(distDir, '/index.html');
    if (!index || !existsSync(index)) {
      return c.text('The console is not built: run `npx vite build --config console/vite.config.ts`.', 503);
    }
    return staticResponse(index, '/index.html', c.req.method);
  });
}
