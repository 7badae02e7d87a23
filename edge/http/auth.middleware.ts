import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthService } from '../auth/auth.service.js';
import type { RouteAccess } from '../auth/permissions.js';
import { allowed } from '../auth/permissions.js';
import { DomainError } from '../errors.js';
import type { EdgeEnv } from './env.js';

export const SESSION_COOKIE = 'wanmi_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves the caller from `Authorization: Bearer` or the session cookie; never rejects by itself. */
export function resolvePrincipal(auth: AuthService): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    // Open311 clients pass their key as `api_key` (GeoReport v2); it is the same bearer token.
    const apiKey = c.req.path.startsWith('/open311/') ? c.req.query('api_key') : undefined;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : apiKey;
    const cookie = getCookie(c, SESSION_COOKIE);
    let principal = bearer
      ? (auth.tokenPrincipal(bearer) ?? null)
      : cookie
        ? (auth.sessionPrincipal(cookie) ?? null)
        : null;
    // GeoReport v2 clients send `api_key` as a form field of the POST; Hono caches the parsed body for the route.
    if (!principal && c.req.method === 'POST' && c.req.path.startsWith('/open311/')) {
      const form: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
      const key = form.api_key;
      if (typeof key === 'string' && key.length <= 200) principal = auth.tokenPrincipal(key) ?? null;
    }
    c.set('principal', principal);
    await next();
  };
}

/**
 * The route's declared access: `public`, or a permission the caller's role must hold. Cookie sessions must send
 * the CSRF token in `X-CSRF-Token` on unsafe methods (bearer tokens are not sent by browsers on their own).
 */
export function requireAccess(access: RouteAccess): MiddlewareHandler<EdgeEnv> {
  return async (c, next) => {
    if (access === 'public') return next();
    const p = c.get('principal');
    if (!p) throw new DomainError('unauthenticated', 'log in first (session cookie or bearer token)');
    if (p.via === 'session' && UNSAFE.has(c.req.method) && c.req.header('x-csrf-token') !== p.csrfToken) {
      throw new DomainError('forbidden', 'missing or wrong X-CSRF-Token header');
    }
    if (!allowed(p.role, access)) throw new DomainError('forbidden', `a ${p.role} may not ${access}`);
    return next();
  };
}
