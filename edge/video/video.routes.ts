import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { DomainError } from '../errors.js';
import type { EdgeEnv } from '../http/env.js';
import type { RouteRegistry } from '../http/registry.js';
import { defineRoute } from '../http/route.js';
import { anyObject, errorResponses, errorSchema } from '../http/schemas.js';
import { publicCamera } from './camera-registry.js';
import type { VideoService } from './video.service.js';

const idParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { error: 'must be a camera id' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const liveQuery = z.object({
  mode: z
    .enum(['mse', 'jsmpeg'])
    .optional()
    .openapi({ param: { name: 'mode', in: 'query' } }),
});
const notFound = { 404: { description: 'no such camera', content: { 'application/json': { schema: errorSchema } } } };
const json = (description: string) => ({
  200: { description, content: { 'application/json': { schema: anyObject } } },
});

/** Camera routes: the registry with health (credentials never included), snapshots, the live socket's contract. */
export function videoRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, video: VideoService): void {
  const camera = (id: string) => {
    const r = video.registry.get(id);
    if (!r) throw new DomainError('not_found', `no camera ${id}`);
    return r;
  };

  defineRoute(
    app,
    registry,
    'video.view',
    {
      method: 'get',
      path: '/api/v1/cameras',
      summary: 'cameras with position, profiles, stream/snapshot URIs (no credentials) and health',
      responses: { ...json('cameras'), ...errorResponses },
    },
    (c) => c.json({ cameras: video.registry.all().map((r) => publicCamera(r, video.relay.stats(r.def.id))) }, 200),
  );

  defineRoute(
    app,
    registry,
    'video.view',
    {
      method: 'get',
      path: '/api/v1/cameras/{id}',
      summary: 'one camera with its health and live sessions',
      request: { params: idParam },
      responses: { ...json('camera'), ...errorResponses, ...notFound },
    },
    (c) => {
      const { id } = c.req.valid('param');
      return c.json(publicCamera(camera(id), video.relay.stats(id)), 200);
    },
  );

  defineRoute(
    app,
    registry,
    'video.view',
    {
      method: 'get',
      path: '/api/v1/cameras/{id}/snapshot',
      summary: 'a JPEG/PNG from the camera now (its snapshot URI, else a frame from the stream)',
      request: { params: idParam },
      responses: {
        200: { description: 'image', content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } } },
        502: { description: 'the camera gave no image', content: { 'application/json': { schema: errorSchema } } },
        ...errorResponses,
        ...notFound,
      },
    },
    async (c) => {
      const { id } = c.req.valid('param');
      camera(id);
      const img = await video.snapshot(id);
      if (!img)
        return c.json({ error: { code: 'bad_gateway', message: `camera ${id} gave no image (see its health)` } }, 502);
      const png = img[0] === 0x89;
      return c.body(new Uint8Array(img), 200, {
        'content-type': png ? 'image/png' : 'image/jpeg',
        'cache-control': 'no-store',
      });
    },
  );

  defineRoute(
    app,
    registry,
    'camera.manage',
    {
      method: 'post',
      path: '/api/v1/cameras/{id}/presets/{token}/goto',
      summary: 'move a PTZ camera to one of its presets (ONVIF PTZ GotoPreset)',
      request: {
        params: idParam.extend({
          token: z
            .string()
            .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be a preset token' })
            .openapi({ param: { name: 'token', in: 'path' } }),
        }),
      },
      responses: {
        ...json('moving'),
        503: { description: 'the camera did not answer', content: { 'application/json': { schema: errorSchema } } },
        ...errorResponses,
        ...notFound,
      },
    },
    async (c) => {
      const { id, token } = c.req.valid('param');
      await video.gotoPreset(id, token);
      return c.json({ camera: id, preset: token, status: 'moving' }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'video.view',
    {
      method: 'get',
      path: '/api/v1/cameras/{id}/live',
      summary:
        'live view: a WebSocket upgrade (mode=mse: JSON {type:init,mime} then the fMP4 init segment and fragments from a keyframe; mode=jsmpeg: MPEG-TS with MPEG-1 video). Plain GET answers 426.',
      request: { params: idParam, query: liveQuery },
      responses: {
        426: { description: 'upgrade to WebSocket required', content: { 'application/json': { schema: errorSchema } } },
        ...errorResponses,
        ...notFound,
      },
    },
    (c) => {
      const { id } = c.req.valid('param');
      camera(id);
      return c.json(
        { error: { code: 'upgrade_required', message: 'open this URL as a WebSocket (Upgrade: websocket)' } },
        426,
      );
    },
  );
}
