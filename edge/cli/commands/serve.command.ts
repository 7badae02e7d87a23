import { buildEdge, startEdge } from '../../main.js';
import { parse } from '../args.js';
import { dataDirOptions, resolveConfig } from '../config.js';
import type { Io } from '../io.js';

export const serveUsage = 'wanmi serve --config <edge.json>   (the production process: systemd runs this)';

/**
 * Runs the edge `api` process on a real configuration until SIGTERM/SIGINT. Unlike `npm start` it seeds nothing:
 * the data dir holds what the technicians imported. Exits non-zero when the config is bad or the port is taken.
 */
export async function serveCommand(args: readonly string[], io: Io): Promise<void> {
  const { values } = parse(args, dataDirOptions, []);
  const config = resolveConfig(values, io.env);
  const node = buildEdge(config);
  let server: Awaited<ReturnType<typeof startEdge>>;
  try {
    server = await startEdge(node);
  } catch (error) {
    node.close();
    throw error;
  }
  io.out(
    JSON.stringify({
      level: 'info',
      msg: 'edge listening',
      district: config.district.division,
      host: config.http.host,
      port: server.port,
      features: node.features.map((f) => f.name),
    }),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      void server
        .stop()
        .finally(() => node.close())
        .finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
