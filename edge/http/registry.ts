import type { RouteConfig } from '@hono/zod-openapi';
import type { RouteAccess } from '../auth/permissions.js';

/** Every route with who may call it: the source of truth for the route × role test and the OpenAPI document. */
export interface RegisteredRoute {
  method: string;
  path: string;
  access: RouteAccess;
}

export class RouteRegistry {
  readonly routes: RegisteredRoute[] = [];

  add(config: Pick<RouteConfig, 'method' | 'path'>, access: RouteAccess): void {
    this.routes.push({ method: config.method.toUpperCase(), path: config.path, access });
  }
}
