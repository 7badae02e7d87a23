import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Handles one WebSocket upgrade request whose path a route matched. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface UpgradeRoute {
  name: string;
  match: (pathname: string) => boolean;
  handle: UpgradeHandler;
}

const routers = new WeakMap<Server, UpgradeRouter>();

/**
 * The one `'upgrade'` listener of an HTTP server, shared by every feature that serves WebSockets: each registers
 * the paths it owns, and an upgrade no route claims is answered `404` in the API's error shape and closed — never
 * left hanging (Node leaves an upgrade socket open for as long as any `'upgrade'` listener exists). Features must
 * register here rather than adding their own `'upgrade'` listener, or two of them would each refuse the other's
 * paths.
 */
export class UpgradeRouter {
  private readonly routes: UpgradeRoute[] = [];

  private constructor(private readonly server: Server) {}

  /** The router of `server`, attached on first use. */
  static of(server: Server): UpgradeRouter {
    let router = routers.get(server);
    if (!router) {
      router = new UpgradeRouter(server);
      routers.set(server, router);
      server.on('upgrade', router.onUpgrade);
    }
    return router;
  }

  /** Adds a route; the returned function removes it (the listener goes when the last route does). */
  add(name: string, match: (pathname: string) => boolean, handle: UpgradeHandler): () => void {
    const route: UpgradeRoute = { name, match, handle };
    this.routes.push(route);
    return () => {
      const i = this.routes.indexOf(route);
      if (i >= 0) this.routes.splice(i, 1);
      if (this.routes.length === 0 && routers.get(this.server) === this) {
        this.server.off('upgrade', this.onUpgrade);
        routers.delete(this.server);
      }
    };
  }

  get routeNames(): string[] {
    return this.routes.map((r) => r.name);
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    let pathname = '/';
    try {
      pathname = new URL(req.url ?? '/', 'http://appliance').pathname;
    } catch {
      rejectUpgrade(socket, 400, 'invalid', 'not a valid request target');
      return;
    }
    const route = this.routes.find((r) => r.match(pathname));
    if (!route) {
      rejectUpgrade(socket, 404, 'not_found', `no WebSocket endpoint at ${pathname}`);
      return;
    }
    try {
      route.handle(req, socket, head);
    } catch {
      rejectUpgrade(socket, 500, 'internal', 'upgrade failed');
    }
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Refuses an upgrade with a plain HTTP answer in the API's error shape, then closes the connection. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string, field?: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
