// `npm start`: the edge appliance with embedded demo defaults, seeded with the demo district on first start.
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DemoClock } from '../demo/clock.js';
import { DEFAULT_DEMO_DATA_DIR, demoConfig } from '../demo/config.js';
import { dataDirState, demoDefaults, demoSmall, seedDemo } from '../demo/seed.js';
import { buildEdge, startEdge } from '../main.js';
import { n, seconds } from './io.js';
import { demoLoginLines } from './logins.js';
import { seedReportLines } from './seed-report.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Whether `port` can be bound on `host` now (0 always can). */
function portIsFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((answer) => {
    const probe = createServer();
    probe.once('error', () => answer(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => answer(true)));
  });
}

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!/^\d+$/u.test(value) || port > 65535)
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

async function start(env: NodeJS.ProcessEnv): Promise<void> {
  const dataDir = resolve(env.WANMI_DATA_DIR ?? DEFAULT_DEMO_DATA_DIR);
  const host = env.WANMI_HOST ?? '127.0.0.1';
  const wanted = portFromEnv(env.PORT);
  const port = (await portIsFree(host, wanted)) ? wanted : 0;
  if (port !== wanted) say(`port ${wanted} is busy on ${host}: using a free port instead`);
  const config = demoConfig(dataDir, { host, port });
  const clock = new DemoClock();
  const node = buildEdge(config, { now: clock.now });
  const state = dataDirState(node.db);
  if (state === 'seeding') {
    node.close();
    throw new Error(`${dataDir} holds a demo seed that was interrupted: delete the directory and run npm start again`);
  }
  say(`Wanmi edge · ${config.district.name} (${config.district.division}) · data dir ${dataDir}`);
  if (state === 'empty') {
    say('empty data dir: seeding the demo district (once; later starts reuse it)…');
    const size = env.WANMI_DEMO_SIZE === 'small' ? demoSmall : demoDefaults;
    const report = await seedDemo(node, clock, size(Date.now()), (m) => say(`  ${m}`));
    for (const line of seedReportLines(report)) say(line);
    if (report.history.failures.length > 0) {
      say(
        `warning: ${n(report.history.failures.length)} demo steps were refused; first: ${JSON.stringify(report.history.failures[0])}`,
      );
    }
  } else if (state === 'demo') {
    say('reusing the demo district seeded earlier (delete the data dir for a fresh one)');
  } else {
    say('the data dir holds non-demo data: log in with its own users');
  }
  const server = await startEdge(node);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  if (state !== 'data') for (const line of demoLoginLines(node.db)) say(line);
  say(`ready in ${seconds(process.uptime() * 1000)} (since the process started): open ${url}`);
  say(`listening on ${url} — health: ${url}/health, API: ${url}/api/v1 — Ctrl-C stops`);
  const stop = () => {
    void server.stop().finally(() => {
      node.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

start(process.env).catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
