import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from '../../errors.js';
import type { StagedBlob } from '../../media/blob-store.js';
import type { ProcessedPhoto } from '../../media/photo-pipeline.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, errorResponses } from '../schemas.js';
import { clockView, ctxOf } from './shared.js';

/** Stores one uploaded photo (original + published copy) and returns the published copy's sha256. */
export interface StagedPhoto {
  photo: ProcessedPhoto;
  original: StagedBlob;
  published: StagedBlob;
}

export interface PhotoUploads {
  /** Checks and renders a photo without storing anything (a report's photos are all checked before any is kept). */
  prepare(bytes: Buffer, field: string, mark: { takenAt: Date; place: string }): Promise<ProcessedPhoto>;
  /** Makes a prepared photo's files durable off the event loop; nothing is recorded yet. */
  stage(photo: ProcessedPhoto): Promise<StagedPhoto>;
  /** Records a staged photo (original + published copy, synchronously, inside the caller's transaction); returns the published copy's sha256. */
  save(photo: StagedPhoto): string;
  store(bytes: Buffer, field: string, mark: { takenAt: Date; place: string }): Promise<string>;
  /** A published copy by hash; undefined for originals and unknown hashes. */
  published(sha256: string): { bytes: Buffer; mime: string } | undefined;
}

const reportDoc =
  'A report as JSON, or multipart/form-data with a `report` field (the same JSON) and up to the configured number of `photos` files (JPEG, PNG or WebP). Idempotent by `clientReportId`: a retry returns the original case with 200.';

export function reportRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  const { maxBytes, maxPhotos } = s.config.uploads;
  app.use(
    '/api/v1/reports',
    bodyLimit({
      maxSize: maxBytes * Math.max(1, maxPhotos) + 256 * 1024,
      onError: () => {
        throw new DomainError('too_large', `request body exceeds ${maxPhotos} photos of ${maxBytes} bytes`);
      },
    }),
  );
  defineRoute(
    app,
    registry,
    'report.create',
    {
      method: 'post',
      path: '/api/v1/reports',
      summary: '上报: a collector, hotline or integration report, with photos',
      description: reportDoc,
      responses: {
        200: {
          description: 'already received (same clientReportId): the original case',
          content: { 'application/json': { schema: anyObject } },
        },
        201: { description: 'the new case', content: { 'application/json': { schema: anyObject } } },
        ...errorResponses,
        413: { description: 'too large' },
        415: { description: 'not an image' },
      },
    },
    async (c) => {
      const ctx = ctxOf(c);
      const type = c.req.header('content-type') ?? '';
      let report: unknown;
      let files: File[] = [];
      if (type.startsWith('multipart/form-data')) {
        const form = await c.req.parseBody({ all: true }).catch(() => {
          throw new DomainError('invalid', 'body: malformed multipart form', 'body');
        });
        const raw = form.report;
        if (typeof raw !== 'string')
          throw new DomainError(
            'invalid',
            'report: the multipart form needs a `report` field with the report JSON',
            'report',
          );
        report = parseJson(raw, 'report');
        const photos = form.photos;
        files = (Array.isArray(photos) ? photos : photos === undefined ? [] : [photos]).map((p, i) => {
          if (typeof p === 'string') throw new DomainError('invalid', `photos[${i}]: must be a file`, `photos[${i}]`);
          return p;
        });
      } else if (type.startsWith('application/json')) {
        report = parseJson(await c.req.text(), 'body');
      } else {
        throw new DomainError('unsupported_media', 'body: send application/json or multipart/form-data', 'body');
      }
      if (files.length > maxPhotos) throw new DomainError('too_large', `photos: at most ${maxPhotos} photos`, 'photos');
      const checked = s.intake.validate(ctx, report);
      if (checked.existing) return c.json({ case: checked.existing, duplicateOfClientReportId: true }, 200);
      const r = checked.report;
      const place = r.location.address ?? `${r.location.lat.toFixed(5)}, ${r.location.lon.toFixed(5)}`;
      // Every photo is checked before any is kept: a bad third photo leaves nothing of the first two behind.
      const prepared: ProcessedPhoto[] = [];
      for (const [i, f] of files.entries()) {
        prepared.push(
          await s.uploads.prepare(Buffer.from(await f.arrayBuffer()), `photos[${i}]`, {
            takenAt: new Date(s.now()),
            place,
          }),
        );
      }
      // Files are made durable off the event loop; then the blob rows and the case commit in one transaction.
      const staged = await Promise.all(prepared.map((p) => s.uploads.stage(p)));
      const { state, created } = s.db.transaction(() => {
        const hashes = staged.map((p) => s.uploads.save(p));
        return s.intake.report(ctx, { ...(report as object), photos: [...r.photos, ...hashes] });
      });
      return c.json({ case: state, clocks: clockView(s, state) }, created ? 201 : 200);
    },
  );
}

/** Photos for later steps (feedback, verification, check): upload first, then name their sha256 in the step. */
export function photoRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  const { maxBytes } = s.config.uploads;
  app.use(
    '/api/v1/photos',
    bodyLimit({
      maxSize: maxBytes + 64 * 1024,
      onError: () => {
        throw new DomainError('too_large', `photo: larger than ${maxBytes} bytes`, 'photo');
      },
    }),
  );
  defineRoute(
    app,
    registry,
    'photo.upload',
    {
      method: 'post',
      path: '/api/v1/photos',
      summary: 'upload one photo (multipart field `photo`); answers its sha256 for use in a step',
      responses: {
        201: { description: 'stored', content: { 'application/json': { schema: anyObject } } },
        ...errorResponses,
        413: { description: 'too large' },
        415: { description: 'not an image' },
      },
    },
    async (c) => {
      ctxOf(c);
      const form = await c.req.parseBody().catch(() => {
        throw new DomainError('invalid', 'body: send multipart/form-data with a `photo` file', 'body');
      });
      const photo = form.photo;
      if (!(photo instanceof File)) throw new DomainError('invalid', 'photo: the form needs a `photo` file', 'photo');
      const place = typeof form.place === 'string' ? form.place.slice(0, 200) : '';
      const sha256 = await s.uploads.store(Buffer.from(await photo.arrayBuffer()), 'photo', {
        takenAt: new Date(s.now()),
        place,
      });
      return c.json({ sha256 }, 201);
    },
  );
  defineRoute(
    app,
    registry,
    'case.read',
    {
      method: 'get',
      path: '/api/v1/photos/{sha256}',
      summary: 'a published photo (originals stay on the appliance as evidence)',
      request: {
        params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex sha256' }) }),
      },
      responses: { 200: { description: 'the JPEG' }, ...errorResponses, 404: { description: 'no such photo' } },
    },
    (c) => {
      const photo = s.uploads.published(c.req.valid('param').sha256);
      if (!photo) throw new DomainError('not_found', 'no such photo');
      return c.body(new Uint8Array(photo.bytes), 200, {
        'content-type': photo.mime,
        'cache-control': 'private, max-age=31536000, immutable',
      });
    },
  );
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('invalid', `${field}: not valid JSON`, field);
  }
}
