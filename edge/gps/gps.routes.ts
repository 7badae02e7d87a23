import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { topicIdPattern } from '../../shared/mqtt/index.js';
import { DomainError } from '../errors.js';
import type { EdgeEnv } from '../http/env.js';
import type { RouteRegistry } from '../http/registry.js';
import { defineRoute } from '../http/route.js';
import { errorResponses } from '../http/schemas.js';
import type { GpsConfig } from './gps.config.js';
import type { GpsService } from './gps.service.js';
import type { LiveState } from './live.js';
import { segmentTrack } from './segment.js';

const json = (
  description: string,
  schema: z.ZodType = z.record(z.string(), z.unknown()).openapi({ type: 'object' }),
) => ({
  200: { description, content: { 'application/json': { schema } } },
});

const deviceKey = z
  .string()
  .refine(
    (k) => {
      const [scheme, rest] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
      if (scheme === 'vehicle') return topicIdPattern.test(rest);
      if (scheme === 'owntracks') {
        const parts = rest.split('/');
        return parts.length === 2 && parts.every((p) => topicIdPattern.test(p));
      }
      return false;
    },
    { error: 'must be vehicle:<vehicleId> or owntracks:<user>/<device> (ids 1–64 of A–Z a–z 0–9 _ -)' },
  )
  .openapi({ example: 'vehicle:muck-0142' });

const enrolBody = z
  .strictObject({
    deviceKey,
    kind: z.enum(['vehicle', 'collector'], { error: 'must be vehicle or collector' }),
    subjectId: z.string().min(1).max(64).openapi({ description: 'plate/vehicle number, or the collector user id' }),
    name: z.string().min(1).max(100),
    group: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 of A–Z a–z 0–9 _ -' })
      .openapi({ description: 'vehicle group the fences apply to' }),
    enabled: z.boolean().default(true),
  })
  .openapi('DeviceEnrolment');

const idParam = z.object({
  id: z
    .string()
    .regex(/^\d{1,12}$/, { error: 'must be a device id (a whole number)' })
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const epochMs = z.coerce.number().int().min(0).max(8_640_000_000_000_000);
const rangeQuery = z
  .object({
    from: epochMs.openapi({ description: 'epoch ms, inclusive' }),
    to: epochMs.openapi({ description: 'epoch ms, exclusive; at most 7 days after `from`' }),
  })
  .refine((q) => q.to > q.from && q.to - q.from <= 7 * 86_400_000, {
    error: 'to must be after from, at most 7 days later',
    path: ['to'],
  });

const MAX_TRACK_POINTS = 100_000;

/** The GPS routes: devices (enrolment), live positions (SSE), track playback, trips/stops, coverage, alarms. */
export function gpsRoutes(
  app: OpenAPIHono<EdgeEnv>,
  registry: RouteRegistry,
  gps: GpsService,
  config: GpsConfig,
  coverageIndex: () => { lookup(lon: number, lat: number): string | undefined } | undefined,
): void {
  const device = (id: string) => {
    const d = gps.device(Number(id));
    if (!d) throw new DomainError('not_found', `no device ${id}`, 'id');
    return d;
  };

  defineRoute(
    app,
    registry,
    'device.manage',
    {
      method: 'post',
      path: '/api/v1/devices',
      summary: 'enrol a GPS device (vehicle tracker or collector handset) or update its enrolment',
      request: { body: { content: { 'application/json': { schema: enrolBody } }, required: true } },
      responses: { ...json('updated'), 201: { description: 'enrolled' }, ...errorResponses },
    },
    (c) => {
      const body = c.req.valid('json');
      const { device: d, created } = gps.enrol(body);
      return c.json(d, created ? 201 : 200);
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/devices',
      summary: 'enrolled GPS devices with their latest position',
      responses: { ...json('devices'), ...errorResponses },
    },
    (c) => {
      const latest = new Map(gps.live.changedSince(0).map((s) => [s.deviceId, s]));
      return c.json({ devices: gps.devices().map((d) => ({ ...d, latest: latest.get(d.id) ?? null })) }, 200);
    },
  );

  const liveQuery = z.object({
    kind: z.enum(['vehicle', 'collector']).optional(),
    group: z.string().max(64).optional(),
  });
  const liveFilter = (q: z.infer<typeof liveQuery>) => (s: LiveState) =>
    (q.kind === undefined || s.kind === q.kind) && (q.group === undefined || s.group === q.group);

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/vehicles/positions',
      summary: 'latest position of every device (one snapshot of the live feed)',
      request: { query: liveQuery },
      responses: { ...json('positions'), ...errorResponses },
    },
    (c) => {
      const q = c.req.valid('query');
      return c.json({ version: gps.live.current, positions: gps.live.changedSince(0, liveFilter(q)) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/vehicles/live',
      summary:
        'live positions as Server-Sent Events: a `positions` event with every device first, then at most one event ' +
        'per throttle interval with the latest state of the devices that changed (a slow client skips states, never queues)',
      request: { query: liveQuery },
      responses: { 200: { description: 'text/event-stream' }, ...errorResponses },
    },
    (c) => {
      const filter = liveFilter(c.req.valid('query'));
      const throttleMs = config.live.throttleMs;
      return streamSSE(c, async (stream) => {
        const abort = new AbortController();
        stream.onAbort(() => abort.abort());
        let seen = 0;
        let lastWrite = 0; // the first round always writes, so a client learns at once that it is connected
        while (!stream.aborted && !stream.closed) {
          const version = gps.live.current;
          const changed = gps.live.changedSince(seen, filter);
          seen = version;
          if (changed.length > 0 || Date.now() - lastWrite > 15_000) {
            // The write resolves when the client (or the socket buffer) took it: a slow reader slows this loop,
            // and the next round sends only the latest state per device.
            await stream.writeSSE({ event: 'positions', data: JSON.stringify({ version, positions: changed }) });
            lastWrite = Date.now();
          }
          await stream.sleep(throttleMs);
          if (gps.live.current === seen && !abort.signal.aborted) await gps.live.nextChange(15_000, abort.signal);
        }
      });
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/devices/{id}/track',
      summary: 'track playback: the stored fixes of a device in a time range (at most 7 days, 100 000 fixes)',
      request: { params: idParam, query: rangeQuery },
      responses: { ...json('fixes in time order'), ...errorResponses },
    },
    (c) => {
      const d = device(c.req.valid('param').id);
      const { from, to } = c.req.valid('query');
      const fixes = gps.store.track(d.id, from, to, MAX_TRACK_POINTS + 1);
      const truncated = fixes.length > MAX_TRACK_POINTS;
      return c.json({ device: d, from, to, truncated, fixes: fixes.slice(0, MAX_TRACK_POINTS) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/devices/{id}/trips',
      summary: 'trips and stops of a device in a time range, segmented from its stored track',
      request: { params: idParam, query: rangeQuery },
      responses: { ...json('trips and stops'), ...errorResponses },
    },
    (c) => {
      const d = device(c.req.valid('param').id);
      const { from, to } = c.req.valid('query');
      const points = gps.store.track(d.id, from, to, MAX_TRACK_POINTS);
      return c.json({ device: d, from, to, ...segmentTrack(points, config.pipeline) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/devices/{id}/coverage',
      summary: "collector patrol coverage: the unit grids a device's fixes fell in on one local day",
      request: {
        params: idParam,
        query: z.object({
          date: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be YYYY-MM-DD' })
            .openapi({ description: 'local date in the city (utcOffsetMinutes)' }),
        }),
      },
      responses: { ...json('grids passed'), ...errorResponses },
    },
    (c) => {
      const d = device(c.req.valid('param').id);
      const { date } = c.req.valid('query');
      const midnightUtc = Date.parse(`${date}T00:00:00Z`);
      if (!Number.isFinite(midnightUtc)) throw new DomainError('invalid', 'date: not a calendar date', 'date');
      const from = midnightUtc - config.geofence.options.utcOffsetMinutes * 60_000;
      const to = from + 86_400_000;
      const index = coverageIndex();
      const grids = new Map<string, { gridCode: string; firstTs: number; lastTs: number; fixes: number }>();
      let outside = 0;
      const points = gps.store.track(d.id, from, to, 200_000);
      for (const p of points) {
        const code = index?.lookup(p.lon, p.lat);
        if (!code) {
          outside += 1;
          continue;
        }
        const g = grids.get(code);
        if (g) {
          g.lastTs = p.ts;
          g.fixes += 1;
        } else grids.set(code, { gridCode: code, firstTs: p.ts, lastTs: p.ts, fixes: 1 });
      }
      return c.json(
        {
          device: d,
          date,
          from,
          to,
          fixes: points.length,
          outsideGrids: outside,
          gridCount: grids.size,
          grids: [...grids.values()].sort((a, b) => a.firstTs - b.firstTs),
        },
        200,
      );
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/gps/alarms',
      summary: 'stored GPS alarms (enter/exit/cross, overspeed, off_route, offline), newest first',
      request: {
        query: z.object({
          from: epochMs.optional(),
          to: epochMs.optional(),
          deviceId: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
      responses: { ...json('alarms'), ...errorResponses },
    },
    (c) => {
      const q = c.req.valid('query');
      return c.json({ alarms: gps.store.alarms(q.from ?? 0, q.to ?? 8_640_000_000_000_000, q.limit, q.deviceId) }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'vehicle.read',
    {
      method: 'get',
      path: '/api/v1/gps/fences',
      summary: 'the geofences in force (configured and demo)',
      responses: { ...json('fences'), ...errorResponses },
    },
    (c) => c.json({ fences: gps.fences() }, 200),
  );

  defineRoute(
    app,
    registry,
    'metrics.read',
    {
      method: 'get',
      path: '/api/v1/gps/stats',
      summary: 'ingest counters: received, rejected by reason, unknown devices, per-handler drops and errors',
      responses: { ...json('counters'), ...errorResponses },
    },
    (c) => c.json(gps.stats(), 200),
  );
}
