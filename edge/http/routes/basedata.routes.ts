import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { appendAudit } from '../../audit/audit-log.js';
import { type BaseDataKind, baseDataKinds, importBaseData } from '../../basedata/index.js';
import { DomainError } from '../../errors.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, errorResponses } from '../schemas.js';
import { ctxOf } from './shared.js';

const MAX_IMPORT_BYTES = 128 * 1024 * 1024;

/** 基础数据资源管理: import one base-data file (the body is the CSV or GeoJSON text); all or nothing. */
export function basedataRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  app.use(
    '/api/v1/basedata/*',
    bodyLimit({
      maxSize: MAX_IMPORT_BYTES,
      onError: () => {
        throw new DomainError(
          'too_large',
          `import file larger than ${MAX_IMPORT_BYTES} bytes; split it or use the wanmi CLI`,
        );
      },
    }),
  );
  defineRoute(
    app,
    registry,
    'basedata.import',
    {
      method: 'post',
      path: '/api/v1/basedata/{kind}',
      summary: 'import grids, components, departments, responsibility table or standards (?mode=replace|upsert)',
      request: {
        params: z.object({
          kind: z
            .enum(baseDataKinds as unknown as [BaseDataKind, ...BaseDataKind[]])
            .openapi({ param: { name: 'kind', in: 'path' } }),
        }),
        query: z.object({ mode: z.enum(['replace', 'upsert']).default('upsert') }),
      },
      responses: {
        200: { description: '{imported, warnings}', content: { 'application/json': { schema: anyObject } } },
        ...errorResponses,
        413: { description: 'too large' },
      },
    },
    async (c) => {
      const ctx = ctxOf(c);
      const { kind } = c.req.valid('param');
      const { mode } = c.req.valid('query');
      const text = await c.req.text();
      const result = s.db.$client.transaction(() => {
        const r = importBaseData(s.db, { [kind]: text }, { mode, directory: s.directory })[kind];
        appendAudit(s.db, {
          at: new Date(s.now()).toISOString(),
          actorId: ctx.principal.userId,
          actorRole: ctx.principal.role,
          action: `basedata.import.${kind}`,
          target: null,
          detail: { mode, imported: r?.imported ?? 0 },
          ip: ctx.ip,
        });
        return r;
      })();
      if (kind === 'grids' || kind === 'components') s.reloadGeocoder();
      return c.json({ kind, mode, imported: result?.imported ?? 0, warnings: result?.warnings ?? [] }, 200);
    },
  );
}
