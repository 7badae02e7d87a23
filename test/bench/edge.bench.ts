import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { listCases } from '../../edge/cases/case.queries.js';
import { cases, NO_DEADLINE } from '../../edge/db/schema.js';
import { DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';
import { cpuTicks, median, TICKS } from './measure.js';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A 3-megapixel handset photo with real texture (noise compresses like a street scene, not like a flat colour). */
async function handsetPhoto(): Promise<Buffer> {
  const width = 2048;
  const height = 1536;
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .blur(1.2)
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'Wanmi', Model: 'Handset', Orientation: '6' } })
    .toBuffer();
}

/** Runs `task` `total` times with `concurrency` workers; returns per-task latencies (ms) and the wall time. */
async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** The handsets' process (test/bench/fixtures/intake-client.mjs): one round of reports per request. */
function intakeClient(setup: Record<string, unknown>) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/intake-client.mjs', import.meta.url))], {
    env: { ...process.env, WANMI_BENCH_CLIENT: JSON.stringify(setup) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async round(round: number, count: number): Promise<{ latencies: number[]; seconds: number; failures: number }> {
      child.stdin.write(`${JSON.stringify({ round, count })}\n`);
      const next = await lines.next();
      if (next.done) throw new Error('bench: the intake client exited');
      return JSON.parse(next.value);
    },
    /** CPU seconds (user + system) the client process has used so far, from /proc (Linux). */
    cpuSeconds(): number {
      const [user, system] = cpuTicks(child.pid ?? -1);
      return (user + system) / TICKS;
    },
    stop: () => child.kill(),
  };
}

/** CPU seconds every process on the machine has used (kernel threads included: journal commits, softirqs), from /proc/stat. */
const machineCpuSeconds = () => {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS;
};

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

export async function intake(h: EdgeHarness, concurrency = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 2)) {
  const photo = await handsetPhoto();
  const collector = await h.as('collector');
  const n = 60;
  // Raw limit: what sharp alone does with the same photo (orient, fit 1920, JPEG q80), same concurrency.
  const raw = () =>
    sharp(photo).rotate().resize({ width: 1920, height: 1920, fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  // The handsets post from their own process: the multipart body is assembled from bytes (what a handset sends), and
  // the client's own work (encoding, undici) does not run on the appliance's event loop. It still shares the cores.
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-intake-bench-'));
  const photoFile = join(dir, 'photo.jpg');
  writeFileSync(photoFile, photo);
  const client = intakeClient({
    base: h.base,
    cookie: collector.cookie,
    csrf: collector.csrf,
    concurrency,
    photoFile,
    run: Date.now(),
  });
  try {
    // Warm both paths, then alternate short rounds so a load spike from elsewhere on this shared machine hits both.
    await pool(6, concurrency, async () => void (await raw()));
    await client.round(-1, 6);
    let failures = 0;
    const rounds = 6;
    const perRound = n / rounds;
    const rawRun = { latencies: [] as number[], seconds: 0 };
    const ours = { latencies: [] as number[], seconds: 0 };
    // Where the CPU goes: the appliance process (all its threads, libvips' included) during each side's rounds, and
    // the client process during ours.
    const cpu = { raw: 0, rawMachine: 0, appliance: 0, client: 0, machine: 0 };
    for (let r = 0; r < rounds; r++) {
      let c0 = process.cpuUsage();
      let m0 = machineCpuSeconds();
      const a = await pool(perRound, concurrency, async () => void (await raw()));
      cpu.raw += cpuSeconds(c0);
      cpu.rawMachine += machineCpuSeconds() - m0;
      c0 = process.cpuUsage();
      m0 = machineCpuSeconds();
      const client0 = client.cpuSeconds();
      const b = await client.round(r, perRound);
      cpu.appliance += cpuSeconds(c0);
      cpu.client += client.cpuSeconds() - client0;
      cpu.machine += machineCpuSeconds() - m0;
      rawRun.latencies.push(...a.latencies);
      rawRun.seconds += a.seconds;
      ours.latencies.push(...b.latencies);
      ours.seconds += b.seconds;
      failures += b.failures;
    }
    const oursRate = n / ours.seconds;
    const rawRate = n / rawRun.seconds;
    return {
      photo: { width: 2048, height: 1536, bytes: photo.length },
      concurrency,
      rounds: `${rounds} alternating rounds of ${perRound} raw then ${perRound} reports`,
      reports: n,
      failures,
      value: round(oursRate),
      unit: 'reports/s (HTTP multipart from a separate client process, 1 photo each, stored original + watermarked copy + case events)',
      p50Ms: round(percentile(ours.latencies, 50)),
      p99Ms: round(percentile(ours.latencies, 99)),
      limit: round(rawRate),
      limitWhat: 'raw sharp rotate+resize+JPEG of the same photo, same concurrency, in the appliance process',
      ratio: round(oursRate / rawRate, 3),
      cpuMsPer: {
        rawPhoto: round((cpu.raw * 1000) / n, 1),
        report: round((cpu.appliance * 1000) / n, 1),
        clientPost: round((cpu.client * 1000) / n, 1),
        machineRawPhoto: round((cpu.rawMachine * 1000) / n, 1),
        machineReport: round((cpu.machine * 1000) / n, 1),
      },
      goal: 'ratio >= 0.7',
      met: oursRate / rawRate >= 0.7,
    };
  } finally {
    client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeds `count` open cases by cloning real folded cases (one per status) with new ids and spread deadlines. */
async function seedQueue(h: EdgeHarness, count: number) {
  const collector = await h.as('collector');
  const operator = await h.as('operator');
  const dispatcher = await h.as('dispatcher');
  const handler = await h.as('handler');
  const templates: string[] = [];
  const steps: [typeof operator, string, unknown][] = [
    [operator, 'file', {}],
    [dispatcher, 'dispatch', { departmentId: DEPARTMENT }],
    [handler, 'sign', {}],
  ];
  for (let depth = 0; depth <= steps.length; depth++) {
    const r = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', {
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: 'template',
    });
    for (const [who, action, body] of steps.slice(0, depth))
      await who.json('POST', `/api/v1/cases/${r.body.case.caseId}/${action}`, body);
    templates.push(r.body.case.caseId);
  }
  const rows = h.node.db
    .select()
    .from(cases)
    .all()
    .filter((row) => templates.includes(row.id));
  const insert = h.node.db.$client.prepare(
    `INSERT INTO cases (id, case_number, district, status, category, source, category_kind, category_code, grid_code, department_id, lon, lat, description, reported_at, updated_at, active_step, deadline, active_clock, due, queue, urged, conflicts, provisional_pending, pending_approvals, event_count, state)
     VALUES (@id, @caseNumber, @district, @status, @category, @source, @categoryKind, @categoryCode, @gridCode, @departmentId, @lon, @lat, @description, @reportedAt, @updatedAt, @activeStep, @deadline, @activeClock, @due, @queue, 0, 0, 0, @pendingApprovals, @eventCount, @state)`,
  );
  const t0 = performance.now();
  h.node.db.$client.transaction(() => {
    for (let i = 0; i < count; i++) {
      const t = rows[i % rows.length];
      if (!t) continue;
      const id = `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;
      const deadline = t.deadline === null ? null : h.clock + randomInt(-3 * 86_400_000, 10 * 86_400_000);
      insert.run({
        ...t,
        id,
        deadline,
        due: deadline ?? NO_DEADLINE,
        caseNumber: `320481-20260302-${String(i + 100).padStart(6, '0')}`,
        departmentId: t.departmentId ? `dept-${i % 30}` : null,
        pendingApprovals: i % 50 === 0 ? 1 : 0,
        state: t.state.replace(t.id, id),
      });
    }
  })();
  return { seeded: count, seedSeconds: round((performance.now() - t0) / 1000) };
}

async function queues(h: EdgeHarness) {
  const seed = await seedQueue(h, 100_000);
  const dispatcher = await h.as('dispatcher');
  const principal = h.node.services.auth.sessionPrincipal(dispatcher.cookie.split('=')[1] ?? '');
  if (!principal) throw new Error('no dispatcher session');
  const { calendar, thresholds } = h.node.config;
  const results: Record<string, unknown> = {};
  const queries = ['all', 'dispatch', 'handle', 'overdue', 'approvals'];
  for (const queue of queries) {
    const times: number[] = [];
    for (let i = 0; i < 220; i++) {
      const t0 = performance.now();
      const page = listCases(
        h.node.db,
        principal,
        { queue, limit: '50', offset: String((i % 20) * 50) },
        calendar,
        thresholds,
        h.clock,
      );
      if (i >= 20) times.push(performance.now() - t0);
      if (page.items.length === 0 && queue !== 'approvals') throw new Error(`queue ${queue} returned nothing`);
    }
    results[queue] = { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
  }
  // Through HTTP (in-process request: routing, auth, JSON) for the busiest queue.
  const http: number[] = [];
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    const res = await h.node.app.request('/api/v1/cases?queue=handle&limit=50', {
      headers: { cookie: dispatcher.cookie },
    });
    await res.json();
    if (i >= 20) http.push(performance.now() - t0);
  }
  const worstP99 = Math.max(...Object.values(results).map((r) => (r as { p99Ms: number }).p99Ms));
  // Limit measured in the same run: the bare indexed read of one page of rows, no clocks or JSON.
  const bare: number[] = [];
  const stmt = h.node.db.$client.prepare("SELECT id, due FROM cases WHERE queue = 'handle' ORDER BY due, id LIMIT 50");
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    stmt.all();
    if (i >= 20) bare.push(performance.now() - t0);
  }
  return {
    ...seed,
    openCases: seed.seeded,
    perQueue: results,
    httpHandleQueue: { p50Ms: round(percentile(http, 50)), p99Ms: round(percentile(http, 99)) },
    value: worstP99,
    unit: 'ms p99 (worst queue, page of 50 with clocks and traffic lights)',
    limit: round(percentile(bare, 99), 3),
    limitWhat: 'p99 of the bare SQL page read (no clocks, no JSON)',
    ratio: round(
      median(bare) / Math.max(0.001, median(Object.values(results).map((r) => (r as { p50Ms: number }).p50Ms))),
      3,
    ),
    goal: 'p99 < 20 ms',
    met: worstP99 < 20,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const h = new EdgeHarness();
  await h.start({ uploads: { maxBytes: 12 * 1024 * 1024 } });
  try {
    const headline = await intake(h);
    // The same at 4 in flight on both sides: whether the gap is idle time between a report's steps (it would close
    // here) or CPU (it stays). Measured 2026-11-29: 0.654 at 2, 0.655 at 4, so it is CPU.
    const saturated = await intake(h, 4);
    return {
      intake: {
        ...headline,
        atConcurrency4: {
          value: saturated.value,
          p50Ms: saturated.p50Ms,
          p99Ms: saturated.p99Ms,
          limit: saturated.limit,
          ratio: saturated.ratio,
          failures: saturated.failures,
        },
      },
      queues: await queues(h),
    };
  } finally {
    await h.stop();
  }
}
