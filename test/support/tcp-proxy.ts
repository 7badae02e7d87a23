import { connect, createServer, type Server, type Socket } from 'node:net';

/** The request line of the last HTTP request a client sent on a connection (plain HTTP/1.1 only). */
export interface SeenRequest {
  method: string;
  path: string;
}

/**
 * A TCP proxy the test controls, between a client (the edge) and a server (central): it can cut the link (every
 * connection reset, new ones refused), flap it on a period, and lose responses after the server has processed the
 * request — the request is forwarded whole, the answer is swallowed and the client's socket reset, exactly what a
 * link dropping "after commit" looks like to the edge.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private isCut = false;
  private flapTimer: NodeJS.Timeout | null = null;
  private dropRule: { match: (r: SeenRequest) => boolean; remaining: number } | null = null;
  private readonly requestListeners: ((r: SeenRequest) => void)[] = [];
  /** Statistics: connections accepted, requests seen, responses dropped, connections refused while cut. */
  readonly stats = { connections: 0, requests: 0, dropped: 0, refused: 0, cuts: 0 };
  port = 0;

  constructor(private target: { host: string; port: number }) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get cut(): boolean {
    return this.isCut;
  }

  /** Where the proxy forwards new connections (e.g. central restarted on another port). */
  retarget(target: { host: string; port: number }): void {
    this.target = target;
  }

  /** Cuts the link: open connections are reset, new ones are accepted and reset at once. */
  cutLink(): void {
    this.isCut = true;
    this.stats.cuts += 1;
    for (const p of this.pairs) this.destroy(p);
  }

  restore(): void {
    this.isCut = false;
  }

  /** Alternates cut and restored every `periodMs` until `stopFlapping()`; the link ends restored. */
  flap(periodMs: number): void {
    this.stopFlapping();
    this.flapTimer = setInterval(() => (this.isCut ? this.restore() : this.cutLink()), periodMs);
  }

  stopFlapping(): void {
    if (this.flapTimer) clearInterval(this.flapTimer);
    this.flapTimer = null;
    this.restore();
  }

  /** The next `count` responses to requests matching `match` are lost after the server processed the request. */
  dropResponses(count: number, match: (r: SeenRequest) => boolean = () => true): void {
    this.dropRule = { match, remaining: count };
  }

  /** Called with every request line forwarded to the server (e.g. to kill something mid-batch). */
  onRequest(listener: (r: SeenRequest) => void): () => void {
    this.requestListeners.push(listener);
    return () => {
      const i = this.requestListeners.indexOf(listener);
      if (i >= 0) this.requestListeners.splice(i, 1);
    };
  }

  async close(): Promise<void> {
    this.stopFlapping();
    for (const p of this.pairs) this.destroy(p);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      this.stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.stats.connections += 1;
    const upstream = connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    let last: SeenRequest | null = null;
    let dropping = false;
    client.on('data', (chunk: Buffer) => {
      const line = /^(GET|POST|PUT|DELETE|HEAD|PATCH) (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1', 0, 300));
      if (line?.[1] && line[2]) {
        last = { method: line[1], path: line[2] };
        this.stats.requests += 1;
        const seen = last;
        for (const l of this.requestListeners) l(seen);
        const rule = this.dropRule;
        if (rule && rule.remaining > 0 && rule.match(seen)) {
          rule.remaining -= 1;
          dropping = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dropping) {
        // The server answered, so it has done the work: swallow the answer and reset the client's connection.
        this.stats.dropped += 1;
        this.destroy(pair);
        return;
      }
      client.write(chunk);
    });
    const end = () => this.destroy(pair);
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    void last;
  }

  private destroy(pair: { client: Socket; upstream: Socket }): void {
    this.pairs.delete(pair);
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.upstream.destroyed) pair.upstream.destroy();
  }
}
