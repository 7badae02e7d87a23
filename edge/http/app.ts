import { getConnInfo } from '@hono/node-server/conninfo';
import { OpenAPIHono } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { secureHeaders } from 'hono/secure-headers';
import type { SpecialOp } from '../../shared/case/events.js';
import type { CategoryDirectory } from '../../shared/codes/index.js';
import { newId } from '../../shared/identity/ids.js';
import type { AuthService } from '../auth/auth.service.js';
import type { CaseStore } from '../cases/case.store.js';
import type { WorkflowService } from '../cases/workflow.service.js';
import type { EdgeConfig } from '../config/edge-config.js';
import type { EdgeDb } from '../db/open.js';
import { cases, specialOps } from '../db/schema.js';
import type { EdgeFeature } from '../feature.js';
import type { CandidateService } from '../intake/candidates.js';
import type { IntakeService } from '../intake/intake.service.js';
import { resolvePrincipal } from './auth.middleware.js';
import type { EdgeEnv } from './env.js';
import { errorBody, onError } from './errors.js';
import type { LiveHub } from './live.js';
import type { EdgeMetrics } from './metrics.js';
import { RouteRegistry } from './registry.js';
import { authRoutes } from './routes/auth.routes.js';
import { basedataRoutes } from './routes/basedata.routes.js';
import { candidateRoutes } from './routes/candidates.routes.js';
import { caseRoutes } from './routes/cases.routes.js';
import { liveRoutes } from './routes/live.routes.js';
import { open311Routes } from './routes/open311.routes.js';
import { photoRoutes, reportRoutes } from './routes/reports.routes.js';
import { systemRoutes } from './routes/system.routes.js';

/** What the HTTP layer needs; built by the composition root (edge/main.ts). */
export interface EdgeServices {
  config: EdgeConfig;
  db: EdgeDb;
  store: CaseStore;
  workflow: WorkflowService;
  intake: IntakeService;
  /** Machine-raised problems (camera analytics, vehicle alarms) waiting for an operator. */
  candidates: CandidateService;
  /** Change notifications for `GET /api/v1/live`. */
  live: LiveHub;
  auth: AuthService;
  metrics: EdgeMetrics;
  directory: CategoryDirectory;
  uploads: import('./routes/reports.routes.js').PhotoUploads;
  now: () => number;
  ledger: (op: SpecialOp) => unknown[];
  /** Rebuilds the grid and component indexes after an import. */
  reloadGeocoder: () => void;
}

/** The `api` feature's Hono app: middleware, then every route with its declared access. */
export function createEdgeApp(
  s: EdgeServices,
  features: readonly EdgeFeature[] = [],
): { app: OpenAPIHono<EdgeEnv>; registry: RouteRegistry } {
  const registry = new RouteRegistry();
  const app = new OpenAPIHono<EdgeEnv>({
    // Validation failures use the API's one error shape, naming the first bad field and its rule.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      return c.json(errorBody('invalid', `${field ?? 'body'}: ${issue?.message ?? 'invalid'}`, field), 400);
    },
  });
  app.onError(onError);
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.use('*', async (c, next) => {
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) ?? newId());
    c.set('ip', remoteAddress(c));
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    s.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    s.metrics.httpDuration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
    c.header('x-request-id', c.get('requestId'));
  });
  app.use('*', secureHeaders());
  app.use('*', resolvePrincipal(s.auth));
  systemRoutes(app, registry, s);
  authRoutes(app, registry, s);
  reportRoutes(app, registry, s);
  photoRoutes(app, registry, s);
  caseRoutes(app, registry, s);
  basedataRoutes(app, registry, s);
  candidateRoutes(app, registry, s);
  liveRoutes(app, registry, s);
  open311Routes(app, registry, s, s.directory);
  for (const feature of features) feature.routes?.(app, registry);
  return { app, registry };
}

function remoteAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests has no socket
  }
}

/** 台帐 rows for one special operation, newest first (the ledger table is rewritten with each projection). */
export function ledgerQuery(db: EdgeDb, op: SpecialOp): unknown[] {
  return db
    .select({
      caseId: specialOps.caseId,
      caseNumber: cases.caseNumber,
      status: cases.status,
      record: specialOps.record,
    })
    .from(specialOps)
    .innerJoin(cases, eq(cases.id, specialOps.caseId))
    .where(eq(specialOps.op, op))
    .orderBy(desc(specialOps.requestedAt))
    .limit(1000)
    .all()
    .map((r) => ({
      caseId: r.caseId,
      caseNumber: r.caseNumber,
      status: r.status,
      ...(JSON.parse(r.record) as object),
    }));
}
