import { randomInt } from 'node:crypto';
import sharp from 'sharp';
import { listCases } from '../../edge/cases/case.queries.js';
import { cases, NO_DEADLINE } from '../../edge/db/schema.js';
import { DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';
import { median } from './measure.js';

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

export async function intake(h: EdgeHarness) {
  const photo = await handsetPhoto();
  const collector = await h.as('collector');
  const concurrency = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 2);
  const n = 60;
  // Raw limit: what sharp alone does with the same photo (orient, fit 1920, JPEG q80), same concurrency.
  const raw = () =>
    sharp(photo).rotate().resize({ width: 1920, height: 1920, fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  let failures = 0;
  const report = (i: number) => ({
    clientReportId: `bench-${Date.now()}-${i}`,
    category: { kind: 'matter', code: '06001' },
    location: { lon: 119.48, lat: 31.42 },
    description: '基准测试',
  });
  // The multipart body is assembled from bytes (what a handset sends), not through undici's FormData encoder: the
  // client shares this machine's two cores with the appliance, and its encoding is not what is being measured.
  const boundary = 'wanmi-bench-boundary';
  const photoHead = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = (i: number) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="report"\r\n\r\n${JSON.stringify(report(i))}\r\n`,
      ),
      photoHead,
      photo,
      tail,
    ]);
  const post = async (i: number) => {
    const res = await fetch(`${h.base}/api/v1/reports`, {
      method: 'POST',
      headers: {
        cookie: collector.cookie,
        'x-csrf-token': collector.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: body(i),
    });
    if (res.status !== 201) failures += 1;
    await res.arrayBuffer();
  };
  // Warm both paths, then alternate short rounds so a load spike from elsewhere on this shared machine hits both.
  await pool(6, concurrency, async () => void (await raw()));
  await pool(6, concurrency, async (i) => post(-i - 1));
  failures = 0;
  const rounds = 6;
  const perRound = n / rounds;
  const rawRun = { latencies: [] as number[], seconds: 0 };
  const ours = { latencies: [] as number[], seconds: 0 };
  for (let r = 0; r < rounds; r++) {
    const a = await pool(perRound, concurrency, async () => void (await raw()));
    const b = await pool(perRound, concurrency, async (i) => post(r * perRound + i));
    rawRun.latencies.push(...a.latencies);
    rawRun.seconds += a.seconds;
    ours.latencies.push(...b.latencies);
    ours.seconds += b.seconds;
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
    unit: 'reports/s (HTTP multipart, 1 photo each, stored original + watermarked copy + case events)',
    p50Ms: round(percentile(ours.latencies, 50)),
    p99Ms: round(percentile(ours.latencies, 99)),
    limit: round(rawRate),
    limitWhat: 'raw sharp rotate+resize+JPEG of the same photo, same concurrency',
    ratio: round(oursRate / rawRate, 3),
    goal: 'ratio >= 0.7',
    met: oursRate / rawRate >= 0.7,
  };
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
    return { intake: await intake(h), queues: await queues(h) };
  } finally {
    await h.stop();
  }
}
