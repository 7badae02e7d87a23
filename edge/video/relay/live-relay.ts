import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AuthService, Principal } from '../../auth/auth.service.js';
import { allowed } from '../../auth/permissions.js';
import { SESSION_COOKIE } from '../../http/auth.middleware.js';
import type { VideoConfig } from '../video.config.js';
import type { LiveMode, SessionHooks, SessionStats } from './live-session.js';
import { LiveSession } from './live-session.js';
import { rejectUpgrade as reject } from './upgrade-router.js';

const LIVE_PATH = /^\/api\/v1\/cameras\/([^/]+)\/live$/;

/** The upgrade paths the relay serves (registered with the server's `UpgradeRouter`). */
export const isLivePath = (pathname: string): boolean => LIVE_PATH.test(pathname);

export interface RelayDeps {
  config: VideoConfig['relay'];
  auth: AuthService;
  /** The stream URL with credentials, or undefined when the camera is unknown / has no stream yet. */
  rtspUrl: (cameraId: string) => string | undefined;
  exists: (cameraId: string) => boolean;
  hooks: (cameraId: string, mode: LiveMode) => SessionHooks;
  now: () => number;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

/**
 * The live-view relay on the api server's own port: WebSocket upgrades of `/api/v1/cameras/:id/live?mode=mse|jsmpeg`
 * authenticated like every API call (session cookie or bearer token, permission `video.view`), one shared
 * ffmpeg session per camera and mode.
 */
export class LiveRelay {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    // Media is framed once and written as is to every viewer (relay/ws-frame.ts): never compressed.
    perMessageDeflate: false,
  });
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly deps: RelayDeps) {}

  /** Stats of the sessions of one camera (health and tests: viewers, ffmpeg process group). */
  stats(cameraId: string): SessionStats[] {
    return (['mse', 'jsmpeg'] as const)
      .map((m) => this.sessions.get(`${cameraId}:${m}`)?.snapshot())
      .filter((s): s is SessionStats => s !== undefined);
  }

  allStats(): { cameraId: string; stats: SessionStats }[] {
    return [...this.sessions.entries()].map(([key, s]) => ({
      cameraId: key.replace(/:(mse|jsmpeg)$/, ''),
      stats: s.snapshot(),
    }));
  }

  /** Upgrades of a live path (`isLivePath`), routed here by the server's `UpgradeRouter`. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://appliance');
    const match = LIVE_PATH.exec(url.pathname);
    socket.on('error', () => socket.destroy());
    if (!match) {
      reject(socket, 404, 'not_found', `no live view at ${url.pathname}`);
      return;
    }
    try {
      const checked = this.check(req, url, match[1] ?? '');
      if ('status' in checked) {
        reject(socket, checked.status, checked.code, checked.message, checked.field);
        return;
      }
      const { cameraId, mode, principal } = checked;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.deps.log('info', 'live viewer joined', { camera: cameraId, mode, user: principal.username });
        // A session that ends (logout, expiry, disabled user, revoked token) ends the live view too.
        const recheck = setInterval(() => {
          const now = this.principal(req);
          if (!now || now.userId !== principal.userId || !allowed(now.role, 'video.view')) {
            this.deps.log('info', 'live viewer logged out', { camera: cameraId, user: principal.username });
            ws.close(4001, 'session ended');
          }
        }, this.deps.config.authRecheckS * 1000);
        ws.once('close', () => clearInterval(recheck));
        this.session(cameraId, mode).add(ws, socket);
      });
    } catch (err) {
      this.deps.log('error', 'live upgrade failed', { error: err instanceof Error ? err.message : String(err) });
      reject(socket, 500, 'internal', 'live view failed');
    }
  };

  /** Who is asking, for which camera and mode — or why they are refused (the API's error shape and statuses). */
  private check(
    req: IncomingMessage,
    url: URL,
    rawId: string,
  ):
    | { cameraId: string; mode: LiveMode; principal: Principal }
    | { status: number; code: string; message: string; field?: string } {
    const principal = this.principal(req);
    if (!principal)
      return { status: 401, code: 'unauthenticated', message: 'log in first (session cookie or bearer token)' };
    if (!allowed(principal.role, 'video.view'))
      return { status: 403, code: 'forbidden', message: `a ${principal.role} may not video.view` };
    if (principal.via === 'session' && !this.originAllowed(req))
      return { status: 403, code: 'forbidden', message: 'cross-origin live view refused' };
    const mode = url.searchParams.get('mode') ?? 'mse';
    if (mode !== 'mse' && mode !== 'jsmpeg')
      return { status: 400, code: 'invalid', message: 'mode: must be mse or jsmpeg', field: 'mode' };
    let cameraId: string;
    try {
      cameraId = decodeURIComponent(rawId);
    } catch {
      return { status: 400, code: 'invalid', message: 'id: not a valid camera id', field: 'id' };
    }
    if (!this.deps.exists(cameraId)) return { status: 404, code: 'not_found', message: `no camera ${cameraId}` };
    const current = this.sessions.get(`${cameraId}:${mode}`);
    if (current && current.viewerCount >= this.deps.config.maxViewersPerCamera)
      return { status: 503, code: 'unavailable', message: 'too many viewers for this camera' };
    return { cameraId, mode, principal };
  }

  private session(cameraId: string, mode: LiveMode): LiveSession {
    const key = `${cameraId}:${mode}`;
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const created: LiveSession = new LiveSession({
      cameraId,
      mode,
      rtspUrl: () => this.deps.rtspUrl(cameraId),
      config: this.deps.config,
      hooks: this.deps.hooks(cameraId, mode),
      now: this.deps.now,
      log: this.deps.log,
      idle: () => {
        if (this.sessions.get(key) === created && created.viewerCount === 0) this.sessions.delete(key);
      },
    });
    this.sessions.set(key, created);
    return created;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
    this.wss.close();
  }

  private principal(req: IncomingMessage): Principal | undefined {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) return this.deps.auth.tokenPrincipal(header.slice(7).trim());
    const cookie = parseCookie(req.headers.cookie ?? '', SESSION_COOKIE);
    return cookie ? this.deps.auth.sessionPrincipal(cookie) : undefined;
  }

  /** Cookie-authenticated sockets only from our own origin or configured ones (cross-site WebSocket hijacking). */
  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // not a browser
    const host = req.headers.host;
    if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
    return this.deps.config.allowedOrigins.some((o) => new URL(o).origin === origin);
  }
}

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
