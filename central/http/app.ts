import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DomainError, errorStatus } from '../../shared/errors.js';
import type { SyncService } from '../sync/sync.service.js';

const MAX_PUSH_BYTES = 16 * 1024 * 1024;

function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** Central's HTTP app: sync v1 for the districts' edges (token-bound), the one error shape of the API. */
export function createCentralApp(deps: { sync: SyncService }): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof DomainError) return c.json(errorBody(err.code, err.message, err.field), errorStatus[err.code]);
    console.error(
      JSON.stringify({ level: 'error', msg: 'unhandled', err: String(err instanceof Error ? err.stack : err) }),
    );
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  const bearer = (h: string | undefined) => (h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined);

  app.post(
    '/sync/v1/events',
    bodyLimit({
      maxSize: MAX_PUSH_BYTES,
      onError: () => {
        throw new DomainError('too_large', `push batch larger than ${MAX_PUSH_BYTES} bytes`);
      },
    }),
    async (c) => {
      const peer = await deps.sync.authenticate(bearer(c.req.header('authorization')));
      const body = await c.req.json().catch(() => {
        throw new DomainError('invalid', 'body: not valid JSON', 'body');
      });
      return c.json(await deps.sync.push(peer, body), 200);
    },
  );

  app.get('/sync/v1/events', async (c) => {
    const peer = await deps.sync.authenticate(bearer(c.req.header('authorization')));
    const wait = Number(c.req.query('wait') ?? '0');
    if (!Number.isFinite(wait) || wait < 0 || wait > 30)
      throw new DomainError('invalid', 'wait: seconds between 0 and 30', 'wait');
    return c.json(await deps.sync.pull(peer, c.req.query('cursor'), wait * 1000), 200);
  });

  app.get('/sync/v1/digest', async (c) => {
    const peer = await deps.sync.authenticate(bearer(c.req.header('authorization')));
    return c.json(await deps.sync.digest(peer, c.req.query('from'), c.req.query('to')), 200);
  });
  return app;
}
