import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { desc, gt } from 'drizzle-orm';
import { streamSSE } from 'hono/streaming';
import { clockAlerts } from '../../db/schema.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import { LiveBuffer } from '../live.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, errorResponses } from '../schemas.js';

const json = (description: string) => ({ description, content: { 'application/json': { schema: anyObject } } });

/** Live change notifications and the clock alerts the sweep raised (黄灯预警 / 红灯超时). */
export function liveRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/live',
      summary:
        'server-sent events: `cases` {caseIds} (coalesced), `alerts`, `candidate`, `reload` when a slow client fell behind',
      request: {
        query: z.object({ flushMs: z.coerce.number().int().min(50).max(10_000).default(500) }),
      },
      responses: { 200: { description: 'text/event-stream' }, ...errorResponses },
    },
    (c) => {
      const { flushMs } = c.req.valid('query');
      const principal = c.get('principal');
      // A department handler hears only about its own department's cases (the same rule as the case routes).
      const visible = (id: string) =>
        principal?.role !== 'handler' || s.store.get(id)?.departmentId === principal.departmentId;
      return streamSSE(c, async (stream) => {
        const buffer = new LiveBuffer();
        let wake: (() => void) | null = null;
        const unsubscribe = s.live.subscribe((m) => {
          buffer.add(m);
          wake?.();
        });
        let open = true;
        stream.onAbort(() => {
          open = false;
          wake?.();
        });
        let id = 0;
        try {
          await stream.writeSSE({ event: 'hello', data: JSON.stringify({ at: s.now() }), id: String(id++) });
          while (open) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000).unref();
            });
            wake = null;
            if (!open) break;
            // Coalesce: wait the flush interval, then send everything that arrived in it as one message per kind.
            await stream.sleep(flushMs);
            const { reload, caseIds, other } = buffer.drain();
            if (reload) await stream.writeSSE({ event: 'reload', data: '{}', id: String(id++) });
            const ids = caseIds.filter(visible);
            if (ids.length)
              await stream.writeSSE({ event: 'cases', data: JSON.stringify({ caseIds: ids }), id: String(id++) });
            for (const m of other) {
              if (m.type === 'alerts') {
                const alerts = m.alerts.filter((a) => visible(a.caseId));
                if (alerts.length)
                  await stream.writeSSE({ event: 'alerts', data: JSON.stringify({ alerts }), id: String(id++) });
              } else if (m.type === 'candidate' && principal?.role !== 'handler' && principal?.role !== 'collector') {
                await stream.writeSSE({ event: 'candidate', data: JSON.stringify(m), id: String(id++) });
              }
            }
            if (!reload && !ids.length && !other.length) await stream.writeSSE({ event: 'ping', data: '{}' });
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );

  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/alerts',
      summary: 'clock alerts (yellow warning, red overdue) raised by the sweep, newest first',
      request: {
        query: z.object({
          since: z.iso.datetime({ error: 'must be an ISO 8601 UTC time' }).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
      responses: { 200: json('{alerts}'), ...errorResponses },
    },
    (c) => {
      const q = c.req.valid('query');
      const principal = c.get('principal');
      const rows = s.db
        .select()
        .from(clockAlerts)
        .where(q.since ? gt(clockAlerts.at, q.since) : undefined)
        .orderBy(desc(clockAlerts.at))
        .limit(q.limit)
        .all()
        .filter((a) => principal?.role !== 'handler' || s.store.get(a.caseId)?.departmentId === principal.departmentId);
      return c.json({ alerts: rows }, 200);
    },
  );
}
