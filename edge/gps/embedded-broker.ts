import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

/**
 * An in-process aedes broker for `npm start` and the fast suite (DESIGN.md §6): no passwords, no ACL, memory
 * persistence (so the ingest's persistent session survives a restart of the feature, not of the process).
 * Production uses Mosquitto (edge/gps/README.md).
 */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  url = '';

  async start(host: string, port: number): Promise<string> {
    const aedes = await Aedes.createBroker();
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    this.aedes = aedes;
    this.server = server;
    this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    if (server) {
      server.close();
      // Connected clients keep the server open: aedes.close() ends them.
    }
    if (aedes) await new Promise<void>((r) => aedes.close(() => r()));
    if (server) await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
  }
}
