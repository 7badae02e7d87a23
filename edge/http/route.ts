import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { RouteAccess } from '../auth/permissions.js';
import { requireAccess } from './auth.middleware.js';
import type { EdgeEnv } from './env.js';
import type { RouteRegistry } from './registry.js';

/**
 * Declares a route with who may call it. The access check runs before validation, so an unauthenticated caller
 * learns nothing about the route's input rules; the access level is also published in the OpenAPI document.
 */
export function defineRoute<R extends RouteConfig>(
  app: OpenAPIHono<EdgeEnv>,
  registry: RouteRegistry,
  access: RouteAccess,
  config: R,
  handler: RouteHandler<R, EdgeEnv>,
): void {
  registry.add(config, access);
  const route = createRoute({ ...config, middleware: [requireAccess(access)], 'x-access': access } as R);
  // The handler type is tied to R by the caller; the cast only bridges createRoute's widened return type.
  app.openapi(route, handler as never);
}
