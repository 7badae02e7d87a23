import type { Hono } from 'hono';
import type { CentralAuth } from '../auth/auth.service.js';
import type { SupervisionService } from '../supervision/supervision.service.js';
import type { CentralEnv } from './app.js';

/**
 * The control-room console served by central with the city's views (districts overview, city-wide queues,
 * provisional decisions to confirm or overrule). Mounted last by `createCentralApp`, after the API routes.
 * Filled in by the console work of issue 7.
 */
export function consoleRoutes(
  _app: Hono<CentralEnv>,
  _deps: { auth?: CentralAuth; supervision?: SupervisionService },
): void {}
