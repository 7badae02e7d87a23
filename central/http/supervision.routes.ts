import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Role } from '../../shared/case/roles.js';
import { DomainError } from '../../shared/errors.js';
import type { CentralAuth, CentralPrincipal } from '../auth/auth.service.js';
import { type CentralAccess, centralAccess, stepRoles } from '../auth/permissions.js';
import {
  fileForDistrictSchema,
  listQuerySchema,
  type StepName,
  type SupervisionService,
  stepSchemas,
} from '../supervision/supervision.service.js';
import type { SyncService } from '../sync/sync.service.js';
import type { CentralEnv } from './app.js';

export const SESSION_COOKIE = 'wanmi_central_session';
const loginSchema = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });

function parse<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.map(String).join('.') || where;
  throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
}

const json = async (c: Context) =>
  c.req.json().catch(() => {
    throw new DomainError('invalid', 'body: not valid JSON', 'body');
  });
const ipOf = (c: Context) => c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? null;

/**
 * The city's supervision API (一级监督): login, city-wide case list and search, a case with its conflicts and
 * provisional decisions, city-owned steps, filing a case for a district, districts overview. Cookie sessions with a
 * CSRF header on writes; every route declares who may call it.
 */
export function supervisionRoutes(
  app: Hono<CentralEnv>,
  deps: { auth: CentralAuth; supervision: SupervisionService; sync?: SyncService; secureCookies?: boolean },
): void {
  const principal: MiddlewareHandler<CentralEnv> = async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const p = token ? await deps.auth.resolve(token, 'cookie') : null;
    if (!p) throw new DomainError('unauthenticated', 'log in first (POST /api/v1/auth/login)');
    if (c.req.method !== 'GET' && c.req.header('x-csrf-token') !== p.csrf)
      throw new DomainError('forbidden', 'missing or wrong x-csrf-token');
    c.set('principal', p);
    await next();
  };
  const allow = (roles: readonly Role[], c: Context<CentralEnv>): CentralPrincipal => {
    const p = c.get('principal');
    if (!roles.includes(p.role)) throw new DomainError('forbidden', `a ${p.role} may not do this`);
    return p;
  };
  const need = (access: CentralAccess, c: Context<CentralEnv>) => allow(centralAccess[access], c);
  const actor = (p: CentralPrincipal) => ({ userId: p.userId, role: p.role });

  app.post('/api/v1/auth/login', async (c) => {
    const body = parse(loginSchema, await json(c));
    const s = await deps.auth.login(body.username, body.password, ipOf(c));
    setCookie(c, SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: deps.secureCookies ?? false,
    });
    return c.json({
      csrfToken: s.csrf,
      user: { id: s.principal.userId, username: s.principal.username, role: s.principal.role },
    });
  });

  app.use('/api/v1/*', async (c, next) => (c.req.path === '/api/v1/auth/login' ? next() : principal(c, next)));

  app.post('/api/v1/auth/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deps.auth.logout(token);
    setCookie(c, SESSION_COOKIE, '', { maxAge: 0, path: '/' });
    return c.json({ ok: true });
  });

  app.get('/api/v1/auth/me', (c) => {
    const p = c.get('principal');
    return c.json({ id: p.userId, username: p.username, role: p.role });
  });

  app.post('/api/v1/users', async (c) => {
    const p = need('user.manage', c);
    return c.json({ user: await deps.auth.createUser(await json(c), p.userId) }, 201);
  });

  // Sync tokens of the districts' edges (admin): listed without their secrets, revoked by id (audited).
  app.get('/api/v1/sync/tokens', async (c) => {
    need('sync.token.manage', c);
    if (!deps.sync) throw new DomainError('not_found', 'sync is not served here');
    return c.json({ tokens: await deps.sync.listTokens() });
  });

  app.post('/api/v1/sync/tokens/:id/revoke', async (c) => {
    const p = need('sync.token.manage', c);
    if (!deps.sync) throw new DomainError('not_found', 'sync is not served here');
    return c.json({ token: await deps.sync.revokeToken(c.req.param('id'), p.userId, ipOf(c)) });
  });

  app.get('/api/v1/cases', async (c) => {
    need('case.read', c);
    return c.json(await deps.supervision.list(parse(listQuerySchema, c.req.query(), 'query')));
  });

  app.post('/api/v1/cases', async (c) => {
    const p = need('case.file_for_district', c);
    const input = parse(fileForDistrictSchema, await json(c));
    return c.json({ case: await deps.supervision.fileForDistrict(input, actor(p), ipOf(c)) }, 201);
  });

  app.get('/api/v1/cases/:id', async (c) => {
    need('case.read', c);
    return c.json({ case: await deps.supervision.get(c.req.param('id')) });
  });

  app.get('/api/v1/cases/:id/photos/:sha256', async (c) => {
    need('case.read', c);
    const photo = await deps.supervision.photo(c.req.param('id'), c.req.param('sha256'));
    return c.body(new Uint8Array(photo.bytes), 200, {
      'content-type': photo.mime,
      'cache-control': 'private, max-age=86400, immutable',
      'x-content-type-options': 'nosniff',
    });
  });

  app.post('/api/v1/cases/:id/:step', async (c) => {
    const step = c.req.param('step');
    if (!(step in stepSchemas)) throw new DomainError('not_found', `no step ${step}`);
    const p = allow(stepRoles[step as StepName], c);
    const state = await deps.supervision.step(c.req.param('id'), step as StepName, await json(c), actor(p), ipOf(c));
    return c.json({ case: state });
  });

  app.get('/api/v1/districts', async (c) => {
    need('district.read', c);
    return c.json({ districts: await deps.supervision.districts() });
  });
}
