import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import { CONSOLE_CSP, resolveInside, staticResponse } from '../../edge/console/static-files.js';
import type { CaseState } from '../../shared/case/state.js';
import {
  cnNationalSchedule2026,
  type StepClock,
  type WorkingCalendar,
  workingCalendarSchema,
} from '../../shared/clock/index.js';
import { type ClockThresholdsInput, clockStatus } from '../../shared/clock/status.js';
import { standardDirectory } from '../../shared/codes/directory.js';
import { DomainError } from '../../shared/errors.js';
import type { CentralAuth, CentralPrincipal } from '../auth/auth.service.js';
import { centralAccess } from '../auth/permissions.js';
import { listQuerySchema, type SupervisionService } from '../supervision/supervision.service.js';
import type { CentralEnv } from './app.js';

/** Where the console build lives: the repository's `console/dist`, from the sources or from compiled `dist/central`. */
export const defaultConsoleDist =
  [
    fileURLToPath(new URL('../../console/dist', import.meta.url)),
    fileURLToPath(new URL('../../../console/dist', import.meta.url)),
  ].find((dir) => existsSync(join(dir, 'index.html'))) ?? fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths that belong to the API and never fall back to the single-page app. */
const apiPrefixes = ['/api/', '/sync/', '/health'];

/** The console reads this meta tag to know it runs on central (the city's screens), not on a district's edge. */
const SITE_META = '<meta name="wanmi-site" content="central" />';

export interface ConsoleRoutesDeps {
  auth?: CentralAuth;
  supervision?: SupervisionService;
  /** Central's working calendar for the traffic lights; default: the national 2026 schedule (as central/main.ts). */
  calendar?: WorkingCalendar;
  thresholds?: ClockThresholdsInput;
  /** Central's clock (tests move it); default Date.now. */
  now?: () => number;
  /** The console build to serve; default `console/dist`. */
  consoleDist?: string;
}

/** A step clock as the console shows it (same shape as the edge's queue rows). */
export interface ClockView {
  step: string;
  state: 'running' | 'stopped' | 'suspended';
  light: 'green' | 'yellow' | 'red';
  overdue: boolean;
  usedFraction: number;
  deadline: number | null;
  remainingMs: number | null;
}

/** Cases read per provisional listing (the supervision list's maximum page); more are reported as truncated. */
const PROVISIONAL_CASES = 200;

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * The control-room console served by central with the city's views (districts overview, city-wide queues,
 * provisional decisions to confirm or overrule). Mounted last by `createCentralApp`, after the API routes:
 * - the console's read models under `/api/v1/console/*` (behind the supervision API's session check): who is logged
 *   in (with the CSRF token, so a reload keeps working), the category directory, city-wide case rows with their
 *   traffic light and time left, one case with its clocks, and every provisional decision waiting for the city;
 * - the built single-page app from `console/dist` with the edge's security headers (same CSP, same caching), every
 *   non-API path answered with `index.html` marked as central's.
 */
export function consoleRoutes(app: Hono<CentralEnv>, deps: ConsoleRoutesDeps): void {
  // The edge's security headers (X-Frame-Options, nosniff, Referrer-Policy...) on everything the console gets here.
  app.use('/api/v1/console/*', secureHeaders());
  if (deps.auth && deps.supervision) readModels(app, deps.supervision, deps);
  staticRoutes(app, resolve(deps.consoleDist ?? defaultConsoleDist));
}

function readModels(app: Hono<CentralEnv>, supervision: SupervisionService, deps: ConsoleRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const calendar = deps.calendar ?? workingCalendarSchema.parse({ years: { '2026': cnNationalSchedule2026 } });
  const thresholds = deps.thresholds ?? {};
  const principal = (c: Context<CentralEnv>): CentralPrincipal => c.get('principal');
  const mayRead = (c: Context<CentralEnv>) => {
    const p = principal(c);
    if (!(centralAccess['case.read'] as readonly string[]).includes(p.role))
      throw new DomainError('forbidden', `a ${p.role} may not do this`);
  };
  let badClocks = 0;
  const clocksOf = (state: CaseState, at: number): ClockView[] =>
    Object.values(state.clocks)
      .filter((k): k is StepClock => k !== undefined)
      .flatMap((k) => {
        let s: ReturnType<typeof clockStatus>;
        try {
          s = clockStatus(calendar, k, at, thresholds);
        } catch (err) {
          // A clock the calendar cannot measure (e.g. a year it does not cover) shows no light; the row still lists.
          badClocks++;
          console.warn(
            JSON.stringify({
              level: 'warn',
              msg: 'console: clock not measurable',
              caseId: state.caseId,
              step: k.step,
              count: badClocks,
              err: String(err),
            }),
          );
          return [];
        }
        return {
          step: k.step,
          state: s.state,
          light: s.light,
          overdue: s.overdue,
          usedFraction: s.usedFraction,
          deadline: s.deadline,
          remainingMs: s.remainingMs,
        };
      });
  /** The clock that matters on a row: a running (or suspended) one, nearest deadline first. */
  const activeClock = (clocks: ClockView[]): ClockView | null =>
    clocks
      .filter((k) => k.state !== 'stopped')
      .sort((a, b) => (a.deadline ?? Number.POSITIVE_INFINITY) - (b.deadline ?? Number.POSITIVE_INFINITY))[0] ?? null;
  const statesOf = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, CaseState>();
    const rows = await supervision.casesOf(ids);
    return new Map(rows.map((r) => [r.id, r.state as CaseState]));
  };
  const parseQuery = (query: Record<string, string>): z.output<typeof listQuerySchema> => {
    const r = listQuerySchema.safeParse(query);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'query';
    throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
  };

  // Who is logged in, with the session's CSRF token: the console keeps working after a reload.
  app.get('/api/v1/console/session', (c) => {
    const p = principal(c);
    return c.json({
      site: 'central',
      csrfToken: p.csrf,
      user: { id: p.userId, username: p.username, displayName: p.username, role: p.role, departmentId: null },
    });
  });

  app.get('/api/v1/console/categories', (c) => {
    mayRead(c);
    return c.json({
      categories: standardDirectory
        .entries()
        .map((e) => ({ kind: e.kind, code: e.code, name: e.name, majorName: e.majorName })),
    });
  });

  // City-wide case rows (the supervision list, same filters) with the running clock's light and time left.
  app.get('/api/v1/console/city/cases', async (c) => {
    mayRead(c);
    const page = await supervision.list(parseQuery(c.req.query()));
    const states = await statesOf(page.cases.map((r) => r.id));
    const at = now();
    return c.json({
      total: page.total,
      cases: page.cases.map((r) => {
        const s = states.get(r.id);
        return {
          ...r,
          categoryRef: s?.categoryRef ?? null,
          gridCode: s?.gridCode ?? null,
          urged: s?.urges.length ?? 0,
          clock: s ? activeClock(clocksOf(s, at)) : null,
        };
      }),
    });
  });

  app.get('/api/v1/console/city/cases/:id', async (c) => {
    mayRead(c);
    const state = await supervision.get(c.req.param('id'));
    return c.json({ case: state, clocks: clocksOf(state, now()) });
  });

  // 待确认的临时决定: every district decision the city has not yet confirmed or overruled, oldest first.
  app.get('/api/v1/console/city/provisional', async (c) => {
    mayRead(c);
    const q = parseQuery(c.req.query());
    const page = await supervision.list({ ...q, provisional: 'true', limit: PROVISIONAL_CASES, offset: 0 });
    const states = await statesOf(page.cases.map((r) => r.id));
    const decisions = page.cases.flatMap((r) => {
      const s = states.get(r.id);
      if (!s) return [];
      return s.provisional
        .filter((p) => p.state === 'pending')
        .map((p) => {
          const e = s.timeline.find((x) => x.eventId === p.eventId);
          return {
            caseId: r.id,
            caseNumber: r.caseNumber,
            district: r.district,
            status: r.status,
            description: r.description,
            eventId: p.eventId,
            type: p.type,
            origin: p.origin,
            at: e?.at ?? null,
            actor: e?.actor ?? null,
          };
        });
    });
    decisions.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    return c.json({ cases: page.total, truncated: page.total > PROVISIONAL_CASES, decisions });
  });
}

function staticRoutes(app: Hono<CentralEnv>, distDir: string): void {
  app.get('/*', secureHeaders(), (c) => {
    const path = c.req.path;
    if (apiPrefixes.some((p) => path.startsWith(p))) {
      return c.json(errorBody('not_found', `no route ${c.req.method} ${path}`), 404);
    }
    const file = path === '/' || path === '/index.html' ? null : resolveInside(distDir, path);
    if (file) return staticResponse(file, path, c.req.method);
    // A path with a file extension is an asset that does not exist; anything else is a page of the app.
    if (/\.[a-z0-9]+$/i.test(path) && path !== '/index.html') {
      return c.json(errorBody('not_found', `no file ${path}`), 404);
    }
    const index = resolveInside(distDir, '/index.html');
    if (!index) return c.text('The console is not built: run `npm run build:console`.', 503);
    // The same page the edge serves, marked as central's (the console then shows the city's screens).
    const html = readFileSync(index, 'utf8').replace(/<head>/i, `<head>\n    ${SITE_META}`);
    const body = Buffer.from(html, 'utf8');
    return new Response(c.req.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(body.length),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': CONSOLE_CSP,
      },
    });
  });
}
