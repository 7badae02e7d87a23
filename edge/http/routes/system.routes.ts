import type { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { verifyAuditChain } from '../../audit/audit-log.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, errorResponses } from '../schemas.js';

const ok = (description: string) => ({ 200: { description, content: { 'application/json': { schema: anyObject } } } });

export function systemRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  defineRoute(
    app,
    registry,
    'public',
    { method: 'get', path: '/health', summary: 'liveness: the process answers', responses: ok('alive') },
    (c) => c.json({ status: 'ok', uptimeS: Math.round(process.uptime()) }, 200),
  );

  defineRoute(
    app,
    registry,
    'public',
    {
      method: 'get',
      path: '/ready',
      summary: 'readiness: the case store answers',
      responses: { ...ok('ready'), 503: { description: 'not ready' } },
    },
    (c) => {
      try {
        s.db.get(sql`SELECT 1`);
        return c.json({ status: 'ready' }, 200);
      } catch (err) {
        return c.json({ status: 'not_ready', reason: String(err) }, 503);
      }
    },
  );

  defineRoute(
    app,
    registry,
    'metrics.read',
    {
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text format' }, ...errorResponses },
    },
    async (c) => {
      s.metrics.refresh();
      return c.text(await s.metrics.registry.metrics(), 200, { 'content-type': s.metrics.registry.contentType });
    },
  );

  defineRoute(
    app,
    registry,
    'audit.read',
    {
      method: 'get',
      path: '/api/v1/audit/verify',
      summary: 'recompute the audit hash chain',
      responses: { ...ok('chain status'), ...errorResponses },
    },
    (c) => c.json(verifyAuditChain(s.db), 200),
  );

  defineRoute(
    app,
    registry,
    'session.self',
    {
      method: 'get',
      path: '/api/v1/openapi.json',
      summary: 'this API as OpenAPI 3.1',
      responses: { ...ok('the document'), ...errorResponses },
    },
    (c) => c.json(app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Wanmi edge API', version: '1' } }), 200),
  );
}
