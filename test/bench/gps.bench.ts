import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import mqtt from 'mqtt';
import { GpsEdge, LiveReader } from '../support/gps-edge.js';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.js';

/**
 * GPS ingest through a real Mosquitto into SQLite (tracks.db), on the real edge node (buildEdge + gps feature):
 *
 * 1. raw: the broker's delivery rate of N queued QoS 1 messages to a no-op MQTT.js subscriber (persistent session,
 *    messages published while it was away, timed from its first to its N-th message);
 * 2. ours: the same N messages queued for the edge's persistent session, timed from the first message received to
 *    the N-th position committed in tracks.db (decode, pipeline, geofence, batched insert); ratio ours/raw;
 * 3. latency: 2,000 positions/s from 500 vehicles for 10 s, publish time (the payload's `ts`) → receipt by a live
 *    SSE subscriber (throttle 100 ms), p50/p99;
 * 4. memory: 500 vehicles at 1 Hz for one simulated hour (1.8 M positions; GPS_BENCH_SIM_MINUTES to change),
 *    time-compressed: published as fast as the publisher can, timestamps spaced 1 s per vehicle; RSS of a separate
 *    edge process after the last position is committed (GC run). That process runs the compiled JS, as production
 *    does (`tsc -p tsconfig.build.json`, built by the bench into .tmp/gps-bench-dist, incrementally), not tsx; the
 *    RSS of a plain `node -e` is measured in the same run for context.
 *
 * The publisher runs in a worker thread (its own event loop, as a separate device would). Environment:
 * GPS_BENCH_N (default 150000 per round), GPS_BENCH_ROUNDS (default 5; medians reported), GPS_BENCH_SIM_MINUTES
 * (default 60), GPS_BENCH_PROFILE=<path prefix> (CPU profile of the ingest rounds), GPS_BENCH_TRACE=1,
 * GPS_BENCH_RSS_NODE_FLAGS (node flags for the memory child; default the production unit's `--max-semi-space-size=2`).
 */

const D = '320481';
const ingest = { username: 'wanmi-edge', password: 'bench-ingest' };
const publisher = { username: 'bench-fleet', password: 'bench-fleet' };

const workerSource = `
const { parentPort, workerData: w } = require('node:worker_threads');
const mqtt = require('mqtt');
const c = mqtt.connect(w.url, { username: w.username, password: w.password, clientId: 'bench-pub-' + process.pid + '-' + w.tag, clean: true, reconnectPeriod: 0 });
const topic = w.prefix === 'raw' ? (v) => 'bench/raw/' + v + '/position' : (v) => 'wanmi/v1/' + w.district + '/vehicles/' + w.prefix + v + '/position';
const body = (v, ts, s) => '{"ts":' + ts + ',"lat":' + (31.40 + (v % 50) * 0.001).toFixed(6) + ',"lon":' + (119.44 + Math.floor(v / 50) * 0.004 + s * 0.00008).toFixed(6) + ',"speed":28.5,"heading":90,"acc":4,"sats":12}';
c.on('error', (e) => parentPort.postMessage({ error: String(e) }));
c.on('connect', () => {
  if (w.mode === 'burst') {
    let sent = 0, acked = 0;
    const started = Date.now();
    const pump = () => {
      while (sent < w.n && sent - acked < 2000) {
        const i = sent++;
        const v = i % w.vehicles, s = Math.floor(i / w.vehicles);
        c.publish(topic(v), body(v, w.t0 + s * 1000, s), { qos: 1 }, () => {
          acked++;
          if (acked === w.n) c.end(false, {}, () => parentPort.postMessage({ done: true, n: acked, ms: Date.now() - started }));
          else if (sent - acked < 1000) pump();
        });
      }
    };
    pump();
  } else {
    // paced: w.rate messages/s in 10 ms slices for w.seconds, ts = publish time
    const perSlice = w.rate / 100;
    let slice = 0, sent = 0, acked = 0;
    const started = Date.now();
    const timer = setInterval(() => {
      const due = Math.min(w.seconds * 100, Math.floor((Date.now() - started) / 10) + 1);
      while (slice < due) {
        for (let k = 0; k < perSlice; k++) {
          const i = sent++;
          const v = i % w.vehicles, s = Math.floor(i / w.vehicles);
          c.publish(topic(v), body(v, Date.now(), s), { qos: 1 }, () => { acked++; });
        }
        slice++;
      }
      if (slice >= w.seconds * 100) {
        clearInterval(timer);
        const wait = setInterval(() => { if (acked === sent) { clearInterval(wait); c.end(false, {}, () => parentPort.postMessage({ done: true, n: sent, ms: Date.now() - started })); } }, 20);
      }
    }, 5);
  }
});
`;

interface PublishJob {
  url: string;
  mode: 'burst' | 'paced';
  prefix: string;
  vehicles: number;
  n?: number;
  t0?: number;
  rate?: number;
  seconds?: number;
  tag: string;
}

function publishInWorker(job: PublishJob): Promise<{ n: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { ...job, district: D, username: publisher.username, password: publisher.password },
    });
    worker.on('message', (m: { done?: boolean; n: number; ms: number; error?: string }) => {
      if (m.error) reject(new Error(m.error));
      if (m.done) {
        resolve({ n: m.n, ms: m.ms });
        void worker.terminate();
      }
    });
    worker.on('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** CPU profile of the main thread from now until the returned function is called (GPS_BENCH_PROFILE=<path>). */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** Delivery rate of N queued QoS 1 messages to a subscriber that does nothing with them. */
async function rawDelivery(
  broker: Mosquitto,
  n: number,
  t0: number,
  round: number,
): Promise<{ n: number; perS: number; ms: number }> {
  const opts = { username: ingest.username, password: ingest.password, clientId: `bench-raw-${round}`, clean: false };
  const first = await mqtt.connectAsync(broker.url, opts);
  // Its own topic tree (same payloads, same QoS), so that the edge's persistent session does not queue these too.
  await first.subscribeAsync('bench/raw/+/position', { qos: 1 });
  await first.endAsync();
  await publishInWorker({ url: broker.url, mode: 'burst', prefix: 'raw', vehicles: 500, n, t0, tag: `raw${round}` });
  let got = 0;
  let firstAt = 0;
  let lastAt = 0;
  const client = mqtt.connect(broker.url, { ...opts, reconnectPeriod: 0 });
  client.on('message', () => {
    if (got === 0) firstAt = performance.now();
    got += 1;
    if (got === n) lastAt = performance.now();
  });
  await waitUntil(() => got >= n, 300_000, 'raw delivery');
  await client.endAsync();
  const ms = lastAt - firstAt;
  return { n, ms: Math.round(ms), perS: Math.round((n * 1000) / ms) };
}

export async function run(): Promise<Record<string, unknown>> {
  // The edge logs JSON lines to stdout; the bench runner's stdout is the report, so they go to stderr here.
  const log = console.log;
  console.log = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  try {
    return await measure();
  } finally {
    console.log = log;
  }
}

async function measure(): Promise<Record<string, unknown>> {
  const n = Number(process.env.GPS_BENCH_N ?? 150_000);
  const simMinutes = Number(process.env.GPS_BENCH_SIM_MINUTES ?? 60);
  const rounds = Number(process.env.GPS_BENCH_ROUNDS ?? 5);
  const vehicles = 500;
  // The compiled edge for the memory part, built first so the build does not compete with the measurements.
  const dist = buildDist();
  const broker = await startMosquitto({
    district: D,
    ingest,
    devices: [publisher],
    extraAcl: [
      `user ${publisher.username}`,
      `topic write wanmi/v1/${D}/vehicles/+/position`,
      'topic write bench/raw/#',
      `user ${ingest.username}`,
      'topic read bench/raw/#',
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-gps-bench-'));
  const gpsConfig = {
    broker: { url: broker.url, clientId: 'wanmi-bench-ingest', username: ingest.username, password: ingest.password },
    live: { throttleMs: 100 },
    persist: { batchSize: 2000, flushMs: 50 },
  };
  let edge: GpsEdge | undefined;
  try {
    const now = Date.now();
    // Enrol the bench fleet once: tp = throughput rounds, lt = latency, hr = the simulated period.
    edge = await new GpsEdge(dir, gpsConfig).start();
    const svc0 = edge.gpsFeature.service;
    await svc0.ready;
    for (const prefix of ['tp', 'lt', 'hr']) {
      for (let v = 0; v < vehicles; v++) {
        svc0.enrol({
          deviceKey: `vehicle:${prefix}${v}`,
          kind: 'vehicle',
          subjectId: `${prefix}${v}`,
          name: `${prefix}${v}`,
          group: v % 5 === 0 ? 'muck' : 'sanitation',
        });
      }
    }
    await edge.stop();

    // 1 + 2. Paired rounds (the machine is shared: pairing keeps each ratio under one load), raw first then ours.
    const rawRounds: number[] = [];
    const oursRounds: number[] = [];
    const ratios: number[] = [];
    let dropped = 0;
    const perRound = Math.ceil(n / vehicles) * 1000;
    for (let r = 0; r < rounds; r++) {
      const t0 = now - 3 * 3_600_000 + r * perRound;
      const raw = await rawDelivery(broker, n, t0, r);
      await publishInWorker({ url: broker.url, mode: 'burst', prefix: 'tp', vehicles, n, t0, tag: `tp${r}` });
      const profile = process.env.GPS_BENCH_PROFILE ? await startProfile() : undefined;
      edge = await new GpsEdge(dir, gpsConfig).start();
      const s = edge.gpsFeature.service;
      const trace: string[] = [];
      const tracer = process.env.GPS_BENCH_TRACE
        ? setInterval(
            () => trace.push(`${s.counters.received}/${s.counters.persisted}/${s.stats().persistInflightBatches}`),
            100,
          )
        : undefined;
      // A fresh service: its counters start at 0, and it notes when the first queued message arrived.
      await waitUntil(
        () => {
          if (s.counters.persisted >= n) return true;
          if (s.counters.received >= n) s.flushPositions();
          return false;
        },
        300_000,
        'all queued positions committed',
      );
      const oursPerS = (n * 1000) / (performance.now() - (s.firstMessageAt ?? 0));
      clearInterval(tracer);
      if (profile) await profile(`${process.env.GPS_BENCH_PROFILE}-${r}.cpuprofile`);
      if (tracer) process.stderr.write(`trace round ${r}: ${trace.join(' ')}\n`);
      dropped += s.counters.received - n;
      rawRounds.push(Math.round(raw.perS));
      oursRounds.push(Math.round(oursPerS));
      ratios.push(oursPerS / raw.perS);
      if (r < rounds - 1) await edge.stop();
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
    const ours = { perS: median(oursRounds) };
    const raw = { perS: median(rawRounds) };
    const ratioToRaw = median(ratios);
    const svc = (edge as GpsEdge).gpsFeature.service;

    // 3. latency at 2,000/s
    const { cookie } = await edge.login('operator');
    const live = new LiveReader();
    const latencies: number[] = [];
    await live.open(edge.base, cookie);
    await sleep(300);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const worst: number[] = [];
    live.onState = (s, at) => {
      if (!s.deviceKey.startsWith('vehicle:lt')) return;
      latencies.push(at - s.ts);
      const second = Math.floor((at - startedLatency) / 1000);
      worst[second] = Math.max(worst[second] ?? 0, at - s.ts);
    };
    const startedLatency = Date.now();
    const paced = await publishInWorker({
      url: broker.url,
      mode: 'paced',
      prefix: 'lt',
      vehicles,
      rate: 2000,
      seconds: 10,
      tag: 'lt',
    });
    await sleep(500);
    loop.disable();
    await live.close();
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 0.99);

    const stats = svc.stats();
    await edge.stop();
    edge = undefined;

    // 4. memory after the simulated period, in a separate edge process (this one also holds the bench runner, the
    // other benches' modules and the publisher thread): the same data dir, session and fleet.
    const simN = vehicles * simMinutes * 60;
    const plainNode = await plainNodeRss();
    // A file, not `-e` with --input-type=module: workers inherit execArgv, and the writer thread's source is CJS.
    const childFile = join(dir, 'rss-child.mjs');
    writeFileSync(childFile, rssChildSource);
    // The production unit's node flags (ansible/roles/wanmi_edge/templates/wanmi-edge.service.j2) unless overridden.
    const childFlags = (process.env.GPS_BENCH_RSS_NODE_FLAGS ?? '--max-semi-space-size=2').split(' ').filter(Boolean);
    const child = spawn(process.execPath, ['--expose-gc', ...childFlags, childFile], {
      env: {
        ...process.env,
        GPS_RSS_DIST: dist,
        GPS_RSS_DIR: dir,
        GPS_RSS_CONFIG: JSON.stringify(gpsConfig),
        GPS_RSS_TARGET: String(simN),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Record<string, number>[] = [];
    let wake: (() => void) | undefined;
    let buffered = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      let cut = buffered.indexOf('\n');
      while (cut >= 0) {
        const line = buffered.slice(0, cut);
        buffered = buffered.slice(cut + 1);
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, number>);
        wake?.();
        cut = buffered.indexOf('\n');
      }
    });
    const nextLine = async (count: number) => {
      while (lines.length < count) {
        if (child.exitCode !== null) throw new Error('bench: the RSS child exited early');
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 1000);
        });
      }
      return lines[count - 1] as Record<string, number>;
    };
    const ready = await nextLine(1);
    const sim = await publishInWorker({
      url: broker.url,
      mode: 'burst',
      prefix: 'hr',
      vehicles,
      n: simN,
      t0: Date.now() - simMinutes * 60_000 - 5000,
      tag: 'hr',
    });
    const after = await nextLine(2);
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    const wal = statSync(join(dir, 'tracks.db-wal'), { throwIfNoEntry: false });
    const dbBytes = statSync(join(dir, 'tracks.db')).size + (wal ? wal.size : 0);

    return {
      method:
        'real Mosquitto 2 (own conf, passwords, ACL) on loopback; publisher in a worker thread (MQTT.js, QoS 1); ' +
        'raw = no-op MQTT.js subscriber draining N queued messages; ours = the edge draining the same N queued ' +
        'messages into tracks.db through the whole pipeline',
      sustained: {
        positions: n,
        rounds,
        oursPerS: ours.perS,
        rawPerS: raw.perS,
        oursRounds,
        rawRounds,
        ratioToRaw: Number(ratioToRaw.toFixed(3)),
        goalRatio: 0.6,
        goalPerS: 20_000,
        ratioToGoalPerS: Number((ours.perS / 20_000).toFixed(3)),
        unexpectedDrops: dropped,
      },
      liveLatency: {
        ratePerS: 2000,
        seconds: 10,
        published: paced.n,
        publisherMs: paced.ms,
        throttleMs: gpsConfig.live.throttleMs,
        samples: latencies.length,
        note: 'aggregated feed: a device updated twice within one throttle interval is sent once (its latest state)',
        p50Ms: percentile(latencies, 0.5),
        p99Ms: p99,
        maxMs: latencies.at(-1),
        worstPerSecondMs: worst,
        edgeEventLoopDelayMaxMs: Math.round(loop.max / 1e6),
        edgeEventLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
        goalP99Ms: 250,
        ratioP99ToGoal: Number((p99 / 250).toFixed(3)),
      },
      memory: {
        simulated: `${vehicles} vehicles at 1 Hz for ${simMinutes} min (${simN} positions), time-compressed`,
        process: `compiled JS (tsc -p tsconfig.build.json), node --expose-gc ${childFlags.join(' ')}; no tsx loader`,
        publishMs: sim.ms,
        ingestMs: after.ms,
        rssPlainNodeMiB: mib(plainNode),
        rssEdgeStartedMiB: mib(ready.rss),
        rssAfterMiB: mib(after.rss),
        heapUsedAfterMiB: mib(after.heapUsed),
        heapTotalAfterMiB: mib(after.heapTotal),
        newSpaceAfterMiB: mib(after.newSpace),
        externalAfterMiB: mib(after.external),
        rssAnonAfterMiB: mib(after.rssAnon),
        rssFileAfterMiB: mib(after.rssFile),
        goalRssMiB: 200,
        ratioToGoal: Number(((after.rss ?? 0) / MiB / 200).toFixed(3)),
        tracksDbMiB: Math.round(dbBytes / MiB),
        note:
          'RSS of a separate edge process (HTTP API, case store, gps feature with its writer thread) after a forced ' +
          'GC; rssAnon/rssFile from /proc/self/status (file = mapped code and libraries)',
      },
      ingestCounters: stats.ingest,
    };
  } finally {
    await edge?.stop().catch(() => {});
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MiB = 2 ** 20;
const mib = (bytes: number | undefined) => Math.round((bytes ?? 0) / MiB);
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `tsc -p tsconfig.build.json` into .tmp/gps-bench-dist (incremental: a re-run with unchanged sources takes
 * seconds). Its own directory, so the bench never touches a dist/ that someone is deploying from.
 */
function buildDist(): string {
  const outDir = join(root, '.tmp', 'gps-bench-dist');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', 'tsconfig.build.json', '--outDir', outDir, '--incremental'];
  const r = spawnSync(process.execPath, [tsc, ...args, '--tsBuildInfoFile', join(outDir, '.tsbuildinfo')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench: tsc build failed\n${r.stdout}${r.stderr}`);
  return outDir;
}

/** RSS of a plain `node -e` after a GC, for context. */
async function plainNodeRss(): Promise<number> {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '-e', 'globalThis.gc(); process.stdout.write(String(process.memoryUsage().rss))'],
    { encoding: 'utf8' },
  );
  return Number(r.stdout);
}

/**
 * The RSS child: the compiled edge (GPS_RSS_DIST) with the gps feature on the bench's data dir; prints its memory
 * once started and again after GPS_RSS_TARGET more positions are committed, each after a forced GC, then stops.
 */
const rssChildSource = `
const env = process.env;
const { parseEdgeConfig } = await import(env.GPS_RSS_DIST + '/edge/config/edge-config.js');
const { buildEdge, startEdge } = await import(env.GPS_RSS_DIST + '/edge/main.js');
const { readFileSync } = await import('node:fs');
const { getHeapSpaceStatistics } = await import('node:v8');
console.log = (...args) => process.stderr.write(args.map(String).join(' ') + '\\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const status = (key) => Number((readFileSync('/proc/self/status', 'utf8').match(new RegExp(key + ':\\\\s+(\\\\d+) kB')) ?? [])[1] ?? 0) * 1024;
const mem = () => {
  const m = process.memoryUsage();
  const ns = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, newSpace: ns ? ns.space_size : 0, rssAnon: status('RssAnon'), rssFile: status('RssFile') };
};
const config = parseEdgeConfig({
  version: 1,
  district: { division: '320481', name: '溧阳市' },
  city: { division: '320400', name: '常州市' },
  dataDir: env.GPS_RSS_DIR,
  http: { port: 0 },
  gps: { enabled: true, ...JSON.parse(env.GPS_RSS_CONFIG) },
});
const node = buildEdge(config, {});
const { stop } = await startEdge(node);
const svc = node.features.find((f) => f.name === 'gps').service;
await svc.ready;
globalThis.gc();
process.stdout.write(JSON.stringify(mem()) + '\\n');
const target = Number(env.GPS_RSS_TARGET);
const base = svc.counters.persisted;
let started = 0;
while (svc.counters.persisted - base < target) {
  if (started === 0 && svc.counters.received > 0) started = performance.now();
  svc.flushPositions();
  await sleep(20);
}
const ms = Math.round(performance.now() - started);
globalThis.gc();
await sleep(200);
globalThis.gc();
process.stdout.write(JSON.stringify({ ...mem(), ms }) + '\\n');
await stop();
node.close();
`;
