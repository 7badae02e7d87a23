import type { Principal } from '../auth/auth.service.js';

/** Hono context variables set by the middleware chain. */
export interface EdgeEnv {
  Variables: {
    principal: Principal | null;
    requestId: string;
    ip: string;
  };
}
