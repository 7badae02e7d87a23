import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal } from '../../auth/auth.service.js';
import { DomainError } from '../../errors.js';
import type { EdgeServices } from '../app.js';
import { SESSION_COOKIE } from '../auth.middleware.js';
import type { EdgeEnv } from '../env.js';
import type { RouteRegistry } from '../registry.js';
import { defineRoute } from '../route.js';
import { anyObject, errorResponses } from '../schemas.js';
import { ctxOf } from './shared.js';

const loginSchema = z.strictObject({
  username: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(64),
  password: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(200),
});
const ok = (description: string) => ({ 200: { description, content: { 'application/json': { schema: anyObject } } } });

/** What a client may know about the logged-in user (never the password hash or session token). */
function userView(p: Principal) {
  return { id: p.userId, username: p.username, displayName: p.displayName, role: p.role, departmentId: p.departmentId };
}

export function authRoutes(app: OpenAPIHono<EdgeEnv>, registry: RouteRegistry, s: EdgeServices): void {
  defineRoute(
    app,
    registry,
    'public',
    {
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'log in; sets the HttpOnly session cookie and returns the CSRF token',
      request: { body: { content: { 'application/json': { schema: loginSchema } }, required: true } },
      responses: { ...ok('logged in'), ...errorResponses, 429: { description: 'too many failed attempts' } },
    },
    async (c) => {
      const { username, password } = c.req.valid('json');
      const r = await s.auth.login(username, password, c.get('ip'));
      setCookie(c, SESSION_COOKIE, r.sessionToken, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: s.config.http.secureCookies,
        path: '/',
        maxAge: Math.round(s.config.auth.sessionHours * 3600),
      });
      const p = r.principal;
      return c.json(
        {
          user: userView(p),
          csrfToken: r.csrfToken,
        },
        200,
      );
    },
  );

  defineRoute(
    app,
    registry,
    'session.self',
    {
      method: 'post',
      path: '/api/v1/auth/logout',
      summary: 'log out',
      responses: { ...ok('logged out'), ...errorResponses },
    },
    (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) s.auth.logout(token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'session.self',
    {
      method: 'get',
      path: '/api/v1/auth/me',
      summary: 'who am I',
      responses: { ...ok('the caller'), ...errorResponses },
    },
    (c) => {
      const p = ctxOf(c).principal;
      return c.json(
        {
          user: userView(p),
          csrfToken: p.csrfToken,
        },
        200,
      );
    },
  );

  defineRoute(
    app,
    registry,
    'users.manage',
    {
      method: 'post',
      path: '/api/v1/users',
      summary: 'create a user',
      request: { body: { content: { 'application/json': { schema: anyObject } }, required: true } },
      responses: { ...ok('created'), ...errorResponses },
    },
    async (c) => {
      const ctx = ctxOf(c);
      const user = await s.auth.createUser(c.req.valid('json'), {
        userId: ctx.principal.userId,
        role: ctx.principal.role,
      });
      return c.json({ user }, 200);
    },
  );

  defineRoute(
    app,
    registry,
    'users.manage',
    {
      method: 'post',
      path: '/api/v1/users/{id}/tokens',
      summary: 'issue a bearer token for a handset or integration (shown once)',
      request: {
        params: z.object({ id: z.string().uuid() }),
        body: {
          content: { 'application/json': { schema: z.strictObject({ label: z.string().min(1).max(100) }) } },
          required: true,
        },
      },
      responses: { ...ok('the token'), ...errorResponses },
    },
    (c) => {
      const { id } = c.req.valid('param');
      if (!s.auth.userExists(id)) throw new DomainError('not_found', `user ${id} does not exist`);
      const by = ctxOf(c).principal;
      return c.json(
        { token: s.auth.issueToken(id, c.req.valid('json').label, { userId: by.userId, role: by.role }) },
        200,
      );
    },
  );

  defineRoute(
    app,
    registry,
    'users.manage',
    {
      method: 'delete',
      path: '/api/v1/users/{id}/tokens',
      summary: 'revoke every bearer token of a user (lost or stolen handset)',
      request: { params: z.object({ id: z.string().uuid() }) },
      responses: { ...ok('how many tokens were revoked'), ...errorResponses },
    },
    (c) => {
      const { id } = c.req.valid('param');
      if (!s.auth.userExists(id)) throw new DomainError('not_found', `user ${id} does not exist`);
      const by = ctxOf(c).principal;
      return c.json({ revoked: s.auth.revokeTokens(id, { userId: by.userId, role: by.role }) }, 200);
    },
  );
}
