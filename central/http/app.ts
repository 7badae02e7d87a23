import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { WorkingCalendar } from '../../shared/clock/index.js';
import { DomainError, errorStatus } from '../../shared/errors.js';
import { BLOB_BATCH_MEDIA_TYPE, SYNC_MAX_BLOB_BATCH_BYTES, SYNC_MAX_BLOB_BYTES } from '../../shared/sync/messages.js';
import type { CentralAuth, CentralPrincipal } from '../auth/auth.service.js';
import type { SupervisionService } from '../supervision/supervision.service.js';
import type { SyncPeer, SyncService } from '../sync/sync.service.js';
import { consoleRoutes } from './console.routes.js';
import { supervisionRoutes } from './supervision.routes.js';

/** Request-scoped values: the sync peer (set by the token check of `/sync/v1/*`). */
export type CentralEnv = { Variables: { peer: SyncPeer; principal: CentralPrincipal } };

const MAX_PUSH_BYTES = 16 * 1024 * 1024;
const tooLarge = (what: string) => () => {
  throw new DomainError('too_large', `${what} too large`);
};

function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** Central's HTTP app: sync v1 for the districts' edges (token-bound), the one error shape of the API. */
export function createCentralApp(deps: {
  sync: SyncService;
  auth?: CentralAuth;
  supervision?: SupervisionService;
  /** The city's clock and working calendar: the console's traffic lights use the same ones as the case log. */
  now?: () => number;
  calendar?: WorkingCalendar;
}): Hono<CentralEnv> {
  const app = new Hono<CentralEnv>();
  app.use('*', secureHeaders());
  app.onError((err, c) => {
    if (err instanceof DomainError) return c.json(errorBody(err.code, err.message, err.field), errorStatus[err.code]);
    console.error(
      JSON.stringify({ level: 'error', msg: 'unhandled', err: String(err instanceof Error ? err.stack : err) }),
    );
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  const bearer = (h: string | undefined) => (h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined);
  // Every sync call is authenticated first; the link bookkeeping (last contact, the edge's backlog) follows.
  app.use('/sync/v1/*', async (c, next) => {
    const peer = await deps.sync.authenticate(bearer(c.req.header('authorization')));
    await deps.sync.contact(peer, c.req.header('x-wanmi-backlog'));
    c.set('peer', peer);
    await next();
  });

  app.post(
    '/sync/v1/events',
    bodyLimit({
      maxSize: MAX_PUSH_BYTES,
      onError: () => {
        throw new DomainError('too_large', `push batch larger than ${MAX_PUSH_BYTES} bytes`);
      },
    }),
    async (c) => {
      const peer = c.get('peer');
      const body = await c.req.json().catch(() => {
        throw new DomainError('invalid', 'body: not valid JSON', 'body');
      });
      return c.json(await deps.sync.push(peer, body), 200);
    },
  );

  app.get('/sync/v1/events', async (c) => {
    const peer = c.get('peer');
    const wait = Number(c.req.query('wait') ?? '0');
    if (!Number.isFinite(wait) || wait < 0 || wait > 30)
      throw new DomainError('invalid', 'wait: seconds between 0 and 30', 'wait');
    return c.json(await deps.sync.pull(peer, c.req.query('cursor'), wait * 1000), 200);
  });

  app.get('/sync/v1/digest', async (c) => {
    const peer = c.get('peer');
    return c.json(await deps.sync.digest(peer, c.req.query('from'), c.req.query('to')), 200);
  });

  app.get('/sync/v1/digest/:day', async (c) => {
    const peer = c.get('peer');
    return c.json(await deps.sync.dayIds(peer, c.req.param('day')), 200);
  });

  const jsonBody = async (c: { req: { json(): Promise<unknown> } }) =>
    c.req.json().catch(() => {
      throw new DomainError('invalid', 'body: not valid JSON', 'body');
    });

  app.post(
    '/sync/v1/events/fetch',
    bodyLimit({ maxSize: 256 * 1024, onError: tooLarge('fetch request') }),
    async (c) => {
      const peer = c.get('peer');
      return c.json(await deps.sync.fetchEvents(peer, await jsonBody(c)), 200);
    },
  );

  app.post('/sync/v1/blobs/missing', bodyLimit({ maxSize: 256 * 1024, onError: tooLarge('blob query') }), async (c) => {
    const peer = c.get('peer');
    return c.json(await deps.sync.missingBlobs(peer, await jsonBody(c)), 200);
  });

  app.post(
    '/sync/v1/blobs/batch',
    bodyLimit({ maxSize: SYNC_MAX_BLOB_BATCH_BYTES, onError: tooLarge('blob batch') }),
    async (c) => {
      const peer = c.get('peer');
      const mime = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
      if (mime !== BLOB_BATCH_MEDIA_TYPE)
        throw new DomainError('invalid', `content-type: must be ${BLOB_BATCH_MEDIA_TYPE}`, 'content-type');
      const r = await deps.sync.putBlobs(peer, Buffer.from(await c.req.arrayBuffer()));
      return c.json(r, r.created > 0 ? 201 : 200);
    },
  );

  app.put(
    '/sync/v1/blobs/:sha256',
    bodyLimit({ maxSize: SYNC_MAX_BLOB_BYTES, onError: tooLarge('blob') }),
    async (c) => {
      const peer = c.get('peer');
      const bytes = Buffer.from(await c.req.arrayBuffer());
      const mime = (c.req.header('content-type') ?? 'application/octet-stream').split(';')[0]?.trim() ?? '';
      const r = await deps.sync.putBlob(peer, c.req.param('sha256'), bytes, mime);
      return c.json(r, r.created ? 201 : 200);
    },
  );

  app.get('/sync/v1/blobs/:sha256', async (c) => {
    const peer = c.get('peer');
    const blob = await deps.sync.getBlob(peer, c.req.param('sha256'));
    return c.body(new Uint8Array(blob.bytes), 200, {
      'content-type': blob.mime,
      'cache-control': 'private, immutable',
    });
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));
  if (deps.auth && deps.supervision)
    supervisionRoutes(app, { auth: deps.auth, supervision: deps.supervision, sync: deps.sync });
  consoleRoutes(app, deps);
  return app;
}
