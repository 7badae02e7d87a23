import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { DomainError } from '../../errors.js';
import { candidateStatuses } from '../../intake/candidates.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, conflict, errorResponses, errorSchema } from '../schemas.js';
import { clockView, ctxOf } from './shared.js';

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: anyObject } },
});
const idParam = z.object({
  id: z
    .string()
    .uuid({ error: 'must be a candidate id (UUID)' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const missing = { 404: { description: 'no such candidate', content: { 'application/json': { schema: errorSchema } } } };

async function body(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  return c.req.json().catch(() => {
    throw new DomainError('invalid', 'body: must be a JSON object', 'body');
  });
}

/** Intake candidates (待确认线索) raised by cameras and vehicle alarms, for an operator to accept or dismiss. */
export function candidateRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  defineRoute(
    app,
    registry,
    'candidate.read',
    {
      method: 'get',
      path: '/api/v1/candidates',
      summary: 'intake candidates, newest first (page with `before` = the last row’s observedAt)',
      request: {
        query: z.object({
          status: z.enum(candidateStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(0).optional(),
        }),
      },
      responses: { 200: json('{candidates, pending}'), ...errorResponses },
    },
    (c) => {
      const q = c.req.valid('query');
      const rows = s.candidates.list(ctxOf(c), {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
      return c.json({ candidates: rows, pending: s.candidates.pendingCount() }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'candidate.read',
    {
      method: 'get',
      path: '/api/v1/candidates/{id}',
      summary: 'one intake candidate',
      request: { params: idParam },
      responses: { 200: json('{candidate}'), ...errorResponses, ...missing },
    },
    (c) => c.json({ candidate: s.candidates.get(ctxOf(c), c.req.valid('param').id) }, 200),
  );

  defineRoute(
    app,
    registry,
    'candidate.decide',
    {
      method: 'post',
      path: '/api/v1/candidates/{id}/accept',
      summary: 'accept: becomes a report and case (source video/vehicle) with the snapshot as its photo',
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: anyObject } }, required: false },
      },
      responses: { 200: json('{candidate, case, clocks}'), ...errorResponses, ...missing, ...conflict },
    },
    async (c) => {
      const r = s.candidates.accept(ctxOf(c), c.req.valid('param').id, await body(c));
      return c.json({ candidate: r.candidate, case: r.case, clocks: clockView(s, r.case) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'candidate.decide',
    {
      method: 'post',
      path: '/api/v1/candidates/{id}/dismiss',
      summary: 'dismiss with a reason (kept for the record)',
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: anyObject } }, required: true },
      },
      responses: { 200: json('{candidate}'), ...errorResponses, ...missing, ...conflict },
    },
    async (c) => c.json({ candidate: s.candidates.dismiss(ctxOf(c), c.req.valid('param').id, await body(c)) }, 200),
  );
}
