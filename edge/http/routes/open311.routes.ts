import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { and, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import type { CaseState } from '../../../shared/case/state.js';
import type { CaseStatus } from '../../../shared/case/status.js';
import { isTerminal } from '../../../shared/case/status.js';
import type { CategoryDirectory } from '../../../shared/codes/index.js';
import { cases } from '../../db/schema.js';
import { DomainError } from '../../errors.js';
import type { EdgeServices } from '../app.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { ctxOf } from './shared.js';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for public reporting apps and hotline systems.
 * Services are the matter categories (事项) of GB/T 47678.5; errors follow the standard's `[{code, description}]`.
 */
const serviceCode = (code: string) => `matter-${code}`;
// `{id}.json` is one path segment; Hono cannot split a parameter from a suffix, so the segment is validated whole.
const requestPath = z.object({
  file: z
    .string()
    .regex(/^[0-9a-f-]{36}\.json$/, { error: 'must be <service_request_id>.json' })
    .openapi({ param: { name: 'file', in: 'path' } }),
});
const list = z.array(z.record(z.string(), z.unknown()));
const ok = (description: string) => ({
  200: { description, content: { 'application/json': { schema: list } } },
  400: { description: 'invalid request: [{code, description}]', content: { 'application/json': { schema: list } } },
  404: { description: 'not found: [{code, description}]', content: { 'application/json': { schema: list } } },
});

const postSchema = z.strictObject({
  api_key: z.string().optional(),
  /** One appliance serves one district; the id is accepted as clients send it and not used. */
  jurisdiction_id: z.string().max(100).optional(),
  service_code: z
    .string({ error: 'is required' })
    .regex(/^matter-\d{5}$/, { error: 'must be a service_code from services.json' }),
  lat: z.coerce.number({ error: 'must be a number' }).min(-90).max(90),
  long: z.coerce.number({ error: 'must be a number' }).min(-180).max(180),
  address_string: z.string().max(500).optional(),
  description: z
    .string({ error: 'is required' })
    .trim()
    .min(1, { error: 'is required' })
    .max(4000, { error: 'at most 4000 characters' }),
  email: z.string().max(200).optional(),
  device_id: z.string().max(100).optional(),
  account_id: z.string().max(100).optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  phone: z.string().max(30).optional(),
  media_url: z.string().max(1000).optional(),
  /** Lets a hotline system retry safely: the same token returns the original request. */
  token: z.string().max(100).optional(),
});

function open311Error(c: Context<EdgeEnv>, status: 400 | 404, code: number, description: string) {
  return c.json([{ code, description }], status);
}

export function open311Routes(
  app: OpenAPIHono<EdgeEnv>,
  registry: RouteRegistry,
  s: EdgeServices,
  directory: CategoryDirectory,
): void {
  const matters = directory.entries('matter');
  defineRoute(
    app,
    registry,
    'public',
    {
      method: 'get',
      path: '/open311/v2/services.json',
      summary: 'Open311 service list (matter categories)',
      responses: ok('services'),
    },
    (c) =>
      c.json(
        matters.map((m) => ({
          service_code: serviceCode(m.code),
          service_name: m.name,
          description: `${m.majorName} / ${m.name}`,
          metadata: false,
          type: 'realtime',
          keywords: m.majorName,
          group: m.majorName,
        })),
        200,
      ),
  );

  defineRoute(
    app,
    registry,
    'public',
    {
      method: 'get',
      path: '/open311/v2/requests.json',
      summary: 'Open311 service requests (public and hotline reports)',
      responses: ok('requests'),
    },
    (c) => {
      const q = c.req.query();
      // Only reports the public made themselves are published; hotline callers did not consent to publication.
      const where: SQL[] = [eq(cases.source, 'public')];
      if (q.service_request_id) where.push(inArray(cases.id, q.service_request_id.split(',').slice(0, 50)));
      if (q.service_code) where.push(eq(cases.categoryCode, q.service_code.replace(/^matter-/, '')));
      for (const [key, op] of [
        ['start_date', gte],
        ['end_date', lte],
      ] as const) {
        const v = q[key];
        if (v === undefined) continue;
        if (Number.isNaN(Date.parse(v))) return open311Error(c, 400, 400, `${key}: must be a w3c date-time`);
        where.push(op(cases.reportedAt, new Date(v).toISOString()));
      }
      if (q.status && q.status !== 'open' && q.status !== 'closed')
        return open311Error(c, 400, 400, 'status: must be open or closed');
      const rows = s.db
        .select({ state: cases.state })
        .from(cases)
        .where(and(...where))
        .orderBy(desc(cases.reportedAt))
        .limit(1000)
        .all();
      const items = rows
        .map((r) => toRequest(JSON.parse(r.state) as CaseState, directory))
        .filter((r) => !q.status || r.status === q.status);
      return c.json(items, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'public',
    {
      method: 'get',
      path: '/open311/v2/requests/{file}',
      summary: 'one Open311 service request',
      request: { params: requestPath },
      responses: ok('the request'),
    },
    (c) => {
      const state = s.store.get(c.req.valid('param').file.slice(0, -'.json'.length));
      if (state?.source !== 'public' || !state) return open311Error(c, 404, 404, 'no such service request');
      return c.json([toRequest(state, directory)], 200);
    },
  );

  defineRoute(
    app,
    registry,
    'report.create',
    {
      method: 'post',
      path: '/open311/v2/requests.json',
      summary: 'Open311 create a service request (form-encoded; bearer token or api_key of an operator account)',
      responses: ok('the new request id'),
    },
    async (c) => {
      const ctx = ctxOf(c);
      const form = await c.req.parseBody().catch(() => {
        throw new DomainError('invalid', 'body: send application/x-www-form-urlencoded', 'body');
      });
      const parsed = postSchema.safeParse(form);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return open311Error(c, 400, 400, `${issue?.path.join('.') ?? 'body'}: ${issue?.message ?? 'invalid'}`);
      }
      const p = parsed.data;
      const code = p.service_code.replace(/^matter-/, '');
      if (!directory.isKnown('matter', code))
        return open311Error(c, 400, 404, `service_code: unknown service ${p.service_code}`);
      const name = [p.last_name, p.first_name].filter(Boolean).join('');
      try {
        const { state } = s.intake.report(ctx, {
          ...(p.token ? { clientReportId: `open311:${p.token}` } : {}),
          // Open311 is how public apps and hotline systems reach us: an operator account is the hotline desk,
          // any other integration account files public reports (never `collector`, which would skew 漏报 statistics).
          source: ctx.principal.role === 'operator' || ctx.principal.role === 'shift_lead' ? 'hotline' : 'public',
          category: { kind: 'matter', code },
          location: { lon: p.long, lat: p.lat, ...(p.address_string ? { address: p.address_string } : {}) },
          description: p.description,
          ...(name || p.phone
            ? { reporter: { ...(name ? { name } : {}), ...(p.phone ? { phone: p.phone } : {}) } }
            : {}),
        });
        return c.json(
          [{ service_request_id: state.caseId, service_notice: '已受理,处理结果将告知您', account_id: null }],
          200,
        );
      } catch (err) {
        if (err instanceof DomainError && (err.code === 'invalid' || err.code === 'not_found'))
          return open311Error(c, 400, 400, err.message);
        throw err;
      }
    },
  );
}

const closedStatuses: CaseStatus[] = ['closed', 'rejected', 'voided'];

function toRequest(c: CaseState, directory: CategoryDirectory) {
  const entry = c.categoryRef ? directory.get(c.categoryRef.kind, c.categoryRef.code) : undefined;
  return {
    service_request_id: c.caseId,
    status: isTerminal(c) ? 'closed' : 'open',
    status_notes: closedStatuses.includes(c.status) ? c.status : null,
    service_name: entry?.name ?? null,
    service_code: c.categoryRef ? serviceCode(c.categoryRef.code) : null,
    description: c.description,
    agency_responsible: c.departmentId,
    service_notice: c.caseNumber ? `案件编号 ${c.caseNumber}` : null,
    requested_datetime: c.reportedAt,
    updated_datetime: c.updatedAt,
    expected_datetime: null,
    address: c.location?.address ?? null,
    lat: c.location?.lat ?? null,
    long: c.location?.lon ?? null,
    media_url: null,
  };
}
