import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { FeatureContext } from '../feature.js';
import type { EdgeEnv } from '../http/env.js';
import type { RouteRegistry } from '../http/registry.js';
import { defineRoute } from '../http/route.js';
import { ctxOf } from '../http/routes/shared.js';
import { anyObject, errorResponses } from '../http/schemas.js';
import type { ConsoleQueries } from './console.queries.js';

const json = (description: string) => ({
  200: { description, content: { 'application/json': { schema: anyObject } } },
  ...errorResponses,
});

const bbox = z
  .string()
  .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, { error: 'must be minLon,minLat,maxLon,maxLat' })
  .optional();

/** The console's read models: settings, map layers, queue counts, pickers and charts. */
export function consoleDataRoutes(
  app: OpenAPIHono<EdgeEnv>,
  registry: RouteRegistry,
  ctx: FeatureContext,
  q: ConsoleQueries,
  basemap: boolean,
): void {
  defineRoute(
    app,
    registry,
    'session.self',
    { method: 'get', path: '/api/v1/console/settings', summary: 'what the console shows', responses: json('settings') },
    (c) =>
      c.json(
        {
          district: ctx.config.district,
          city: ctx.config.city,
          basemap: basemap ? '/api/v1/console/basemap.pmtiles' : null,
          now: ctx.now(),
        },
        200,
      ),
  );
  defineRoute(
    app,
    registry,
    'basedata.read',
    {
      method: 'get',
      path: '/api/v1/console/grids',
      summary: 'unit grids as GeoJSON',
      responses: { 200: { description: 'GeoJSON FeatureCollection' }, ...errorResponses },
    },
    (c) => c.body(q.gridsGeoJson(), 200, { 'content-type': 'application/json', 'cache-control': 'private, no-cache' }),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/grid-status',
      summary: 'open cases per unit grid with yellow and red counts',
      responses: json('rows'),
    },
    (c) => c.json({ grids: q.gridStatus(ctxOf(c).principal, ctx.now()) }, 200),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/case-points',
      summary: 'open cases as GeoJSON points with their traffic light',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(20_000).default(5000) }) },
      responses: json('GeoJSON'),
    },
    (c) => c.json(q.casePoints(ctxOf(c).principal, ctx.now(), c.req.valid('query').limit), 200),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/queue-counts',
      summary: 'cases per work queue, approvals, overdue, conflicts, provisional',
      responses: json('counts'),
    },
    (c) => c.json({ counts: q.queueCounts(ctxOf(c).principal, ctx.now()) }, 200),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/categories',
      summary: 'the category directory (GB/T 47678.5) for labels and pickers',
      responses: json('entries'),
    },
    (c) =>
      c.json(
        {
          categories: ctx.services.directory
            .entries()
            .map((e) => ({ kind: e.kind, code: e.code, name: e.name, majorName: e.majorName })),
        },
        200,
      ),
  );
  defineRoute(
    app,
    registry,
    'basedata.read',
    {
      method: 'get',
      path: '/api/v1/console/component-categories',
      summary: 'component categories present in the base data, with counts',
      responses: json('rows'),
    },
    (c) => c.json({ categories: q.componentCategories() }, 200),
  );
  defineRoute(
    app,
    registry,
    'basedata.read',
    {
      method: 'get',
      path: '/api/v1/console/components',
      summary: 'components of one category as GeoJSON points (optionally in a bbox)',
      request: {
        query: z.object({
          category: z.string().regex(/^\d{5}$/, { error: 'must be a 5-digit category code' }),
          bbox,
          limit: z.coerce.number().int().min(1).max(50_000).default(20_000),
        }),
      },
      responses: json('GeoJSON'),
    },
    (c) => {
      const { category, bbox: box, limit } = c.req.valid('query');
      const parsed = box ? (box.split(',').map(Number) as [number, number, number, number]) : null;
      return c.json(q.components(category, parsed, limit), 200);
    },
  );
  defineRoute(
    app,
    registry,
    'basedata.read',
    { method: 'get', path: '/api/v1/console/departments', summary: 'departments', responses: json('rows') },
    (c) => c.json({ departments: q.departments() }, 200),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/directory',
      summary: 'staff names and departments, for timelines and case details',
      responses: json('people and departments'),
    },
    (c) => c.json({ people: q.people(), departments: q.departments() }, 200),
  );
  defineRoute(
    app,
    registry,
    'case.verify.request',
    {
      method: 'get',
      path: '/api/v1/console/collectors',
      summary: 'collectors to send for verification or check',
      responses: json('rows'),
    },
    (c) => c.json({ collectors: q.collectors() }, 200),
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/console/stats',
      summary: 'case trends per day and closure rate by department',
      request: { query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }) },
      responses: json('series'),
    },
    (c) => c.json(q.stats(ctxOf(c).principal, ctx.now(), c.req.valid('query').days), 200),
  );
}
