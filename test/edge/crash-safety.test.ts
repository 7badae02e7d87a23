import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../edge/audit/audit-log.js';
import { openEdgeDb, projectRoot } from '../../edge/db/open.js';
import { foldCase } from '../../shared/case/fold.js';
import { edgeProcessConfig } from '../support/edge-process.js';

const ROUNDS = Number(process.env.WANMI_CRASH_ROUNDS ?? '200');
const CLIENTS = 6;
/** The kill comes this long after the round's first acknowledgement, while the handsets keep sending. */
const KILL_AFTER_MS = [20, 150] as const;
/** Processes loading their modules ahead of time (start-up, not intake, is what a round costs). */
const PREWARMED = 2;

/** What the handsets were told: acknowledged ids with their case, and ids whose request a kill cut off. */
class Ledger {
  readonly acked = new Map<string, string>();
  readonly pending = new Set<string>();
  readonly problems: string[] = [];
  cutRequests = 0;
  private counter = 0;

  /** A handset retries an unacknowledged report, now and then repeats an acknowledged one, else sends a new one. */
  pick(): string {
    const r = Math.random();
    if (r < 0.4 && this.pending.size) return randomOf([...this.pending]);
    if (r < 0.45 && this.acked.size) return randomOf([...this.acked.keys()]);
    this.counter += 1;
    return `crash-${this.counter}`;
  }

  ack(id: string, status: number, caseId: string | undefined): void {
    const before = this.acked.get(id);
    if (!caseId) this.problems.push(`${id}: answered ${status} without a case id`);
    else if (before && before !== caseId) this.problems.push(`${id}: acknowledged as ${before}, later as ${caseId}`);
    else if (before && status === 201) this.problems.push(`${id}: created a second time (201 after an earlier ack)`);
    else this.acked.set(id, caseId);
    this.pending.delete(id);
  }

  cut(id: string): void {
    this.cutRequests += 1;
    if (!this.acked.has(id)) this.pending.add(id);
  }
}

function randomOf<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)] as T;
}

/** The same report body for every retry of one id, inside TEST_GRID. */
function reportFor(id: string) {
  const n = Number(id.split('-')[1]);
  return {
    clientReportId: id,
    source: 'collector',
    category: { kind: 'matter', code: '06001' },
    location: { lon: 119.471 + ((n * 7919) % 2800) / 100_000, lat: 31.411 + ((n * 104_729) % 1800) / 100_000 },
    description: `暴露垃圾 (crash report ${id})`,
  };
}

async function postReport(base: string, token: string, id: string): Promise<{ status: number; caseId?: string }> {
  const res = await fetch(`${base}/api/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(reportFor(id)),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await res.json()) as { case?: { caseId?: string } };
  return { status: res.status, ...(body.case?.caseId ? { caseId: body.case.caseId } : {}) };
}

interface Round {
  killed: boolean;
  acked(): void;
}

/** One handset posting reports back to back until its request fails (the node was killed). */
async function handset(base: string, token: string, ledger: Ledger, round: Round): Promise<void> {
  for (;;) {
    const id = ledger.pick();
    let answer: { status: number; caseId?: string };
    try {
      answer = await postReport(base, token, id);
    } catch (err) {
      if (!round.killed) ledger.problems.push(`${id}: request failed before the kill: ${String(err)}`);
      ledger.cut(id);
      return;
    }
    if (answer.status === 200 || answer.status === 201) {
      ledger.ack(id, answer.status, answer.caseId);
      round.acked();
    } else ledger.problems.push(`${id}: answered ${answer.status}`);
  }
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** An edge process that has loaded its modules and waits for `start()` to open the store and serve. */
function prewarm(bundle: string, dataDir: string) {
  const child = spawn(process.execPath, [bundle, dataDir, '0', '--wait'], { stdio: 'pipe' });
  live.add(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((done) => {
    child.once('exit', () => {
      live.delete(child);
      done();
    });
  });
  return {
    exited,
    start(): Promise<number> {
      return new Promise((ready, fail) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^READY (\d+)$/.exec(line);
          if (m) ready(Number(m[1]));
        });
        void exited.then(() => fail(new Error(`edge process exited before READY: ${stderr}`)));
        child.stdin.write('GO\n');
      });
    },
    async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
        process.kill(child.pid, signal);
      await exited;
    },
  };
}

/** Opens the store as the next start would, and lists every way it disagrees with what the handsets were told. */
function storeProblems(dataDir: string, ledger: Ledger): { problems: string[]; cases: number } {
  const fold = edgeProcessConfig(dataDir, 0).fold;
  const db = openEdgeDb(join(dataDir, 'edge.db'));
  const sql = db.$client;
  const problems: string[] = [];
  try {
    const integrity = sql.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);

    const eventsOf = new Map<string, unknown[]>();
    for (const r of sql.prepare('SELECT case_id AS caseId, body FROM events ORDER BY hlc').all() as {
      caseId: string;
      body: string;
    }[])
      eventsOf.set(r.caseId, [...(eventsOf.get(r.caseId) ?? []), JSON.parse(r.body)]);
    const rows = sql.prepare('SELECT id, client_report_id AS cid, state, event_count AS n FROM cases').all() as {
      id: string;
      cid: string | null;
      state: string;
      n: number;
    }[];
    for (const c of rows) {
      const evts = eventsOf.get(c.id) ?? [];
      if (c.state !== JSON.stringify(foldCase(evts, fold))) problems.push(`case ${c.id}: projection ≠ fold of events`);
      if (c.n !== evts.length) problems.push(`case ${c.id}: event_count ${c.n}, ${evts.length} events`);
      eventsOf.delete(c.id);
    }
    for (const id of eventsOf.keys()) problems.push(`events of case ${id} have no projection row`);

    const reported = new Map<string, string[]>();
    for (const r of sql
      .prepare(
        "SELECT json_extract(body, '$.payload.clientReportId') AS cid, case_id AS caseId FROM events WHERE type = 'reported'",
      )
      .all() as { cid: string | null; caseId: string }[])
      if (r.cid) reported.set(r.cid, [...(reported.get(r.cid) ?? []), r.caseId]);
    for (const [cid, ids] of reported) if (ids.length > 1) problems.push(`${cid}: reported in ${ids.length} cases`);
    const keys = new Map(
      // Keys are scoped to the reporting user: `<userId>:<clientReportId>`.
      (
        sql
          .prepare(
            "SELECT substr(client_report_id, instr(client_report_id, ':') + 1) AS cid, case_id AS caseId FROM report_keys",
          )
          .all() as {
          cid: string;
          caseId: string;
        }[]
      ).map((k) => [k.cid, k.caseId]),
    );
    const caseCid = new Map(rows.map((c) => [c.id, c.cid]));
    for (const [cid, caseId] of keys)
      if (caseCid.get(caseId) !== cid) problems.push(`report key ${cid} → ${caseId}, which is not that report's case`);
    for (const [cid] of reported) if (!keys.has(cid)) problems.push(`${cid}: a case but no report key`);
    for (const [cid, caseId] of ledger.acked) {
      if (keys.get(cid) !== caseId) problems.push(`${cid}: acknowledged as ${caseId}, stored as ${keys.get(cid)}`);
      if (reported.get(cid)?.join() !== caseId)
        problems.push(`${cid}: acknowledged, 'reported' in ${reported.get(cid)}`);
    }

    for (const s of sql
      .prepare('SELECT origin, min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM events GROUP BY origin')
      .all() as { origin: string; lo: number; hi: number; n: number }[])
      if (s.lo !== 1 || s.hi !== s.n) problems.push(`${s.origin}: seq ${s.lo}..${s.hi} over ${s.n} events`);

    const chain = verifyAuditChain(db);
    if (!chain.ok) problems.push(`audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
    const audited = sql
      .prepare("SELECT count(*) AS n, count(DISTINCT target) AS d FROM audit WHERE action = 'report.create'")
      .get() as { n: number; d: number };
    if (audited.n !== rows.length || audited.d !== rows.length)
      problems.push(`${rows.length} cases, ${audited.n} report.create audit rows for ${audited.d} cases`);
    return { problems, cases: rows.length };
  } finally {
    sql.close();
  }
}

describe('crash safety of intake', () => {
  const root = projectRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'wanmi-crash-'));
  let buildDir = '';
  let bundle = '';

  beforeAll(async () => {
    // One bundle instead of tsx per start: loading ~100 TypeScript modules through tsx costs 1–2 s a start.
    // It lives under the project (.tmp/ is ignored) so its packages and the migrations resolve as from source.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    buildDir = mkdtempSync(join(root, '.tmp', 'crash-safety-'));
    bundle = join(buildDir, 'edge-process.mjs');
    await build({
      entryPoints: [join(root, 'test', 'support', 'edge-process.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      logLevel: 'warning',
    });
  });

  afterAll(async () => {
    for (const child of live) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it(`SIGKILL during concurrent intake, ${ROUNDS} times, loses no acknowledged report and leaves every projection equal to the fold of its events`, {
    timeout: ROUNDS * 3_000 + 120_000,
  }, async () => {
    expect(Number.isInteger(ROUNDS) && ROUNDS >= 1, 'WANMI_CRASH_ROUNDS must be a positive integer').toBe(true);
    const started = Date.now();
    const ledger = new Ledger();
    let startMs = 0;
    let roundsCut = 0;
    let token = '';
    // Every round and the final start get their own process; the next ones open the store only after the kill.
    let spawned = 0;
    const warm: ReturnType<typeof prewarm>[] = [];
    const topUp = () => {
      while (warm.length < PREWARMED && spawned < ROUNDS + 1) {
        warm.push(prewarm(bundle, dataDir));
        spawned += 1;
      }
    };
    topUp();
    for (let round = 0; round < ROUNDS; round++) {
      const edge = warm.shift();
      if (!edge) throw new Error('no prewarmed edge process left');
      const t0 = Date.now();
      const port = await edge.start();
      startMs += Date.now() - t0;
      topUp();
      token ||= readFileSync(join(dataDir, 'token.txt'), 'utf8').trim();
      let firstAck = () => {};
      const serving = new Promise<void>((r) => {
        firstAck = r;
      });
      const state: Round = { killed: false, acked: () => firstAck() };
      const cutBefore = ledger.cutRequests;
      const base = `http://127.0.0.1:${port}`;
      const handsets = Array.from({ length: CLIENTS }, () => handset(base, token, ledger, state));
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([serving, new Promise((r) => (giveUp = setTimeout(r, 10_000)))]);
      clearTimeout(giveUp);
      const [lo, hi] = KILL_AFTER_MS;
      await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
      state.killed = true;
      await edge.kill();
      await Promise.all(handsets);
      if (ledger.cutRequests > cutBefore) roundsCut += 1;
    }

    // The store exactly as the last kill left it.
    const afterKills = storeProblems(dataDir, ledger);
    expect(afterKills.problems.slice(0, 30), `${afterKills.problems.length} problems after the kills`).toEqual([]);

    // The handsets retry what was never acknowledged: each lands exactly once (200: committed before the kill).
    const ackedDuringKills = ledger.acked.size;
    const unackedIds = ledger.pending.size;
    const last = warm.shift();
    if (!last) throw new Error('no prewarmed edge process left for the final start');
    const base = `http://127.0.0.1:${await last.start()}`;
    let committedAnyway = 0;
    for (const id of [...ledger.pending]) {
      const answer = await postReport(base, token, id);
      if (answer.status === 200) committedAnyway += 1;
      if (answer.status === 200 || answer.status === 201) ledger.ack(id, answer.status, answer.caseId);
      else ledger.problems.push(`${id}: final retry answered ${answer.status}`);
    }
    await last.kill('SIGTERM');
    const final = storeProblems(dataDir, ledger);

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `crash-safety: rounds=${ROUNDS} acknowledged=${ackedDuringKills} ` +
        `unacknowledged=${ledger.cutRequests} (ids never acknowledged before the end: ${unackedIds}, of which committed anyway: ${committedAnyway}) ` +
        `cases=${final.cases} rounds-with-cut-requests=${roundsCut} avg-start=${Math.round(startMs / ROUNDS)}ms duration=${seconds}s`,
    );
    expect(ledger.problems.slice(0, 30), `${ledger.problems.length} problems seen by the handsets`).toEqual([]);
    expect(final.problems.slice(0, 30), `${final.problems.length} problems after the final retry`).toEqual([]);
    expect(ledger.pending.size).toBe(0);
    expect(final.cases).toBe(ledger.acked.size);
    // A kill that never cut a request would prove nothing.
    expect(roundsCut).toBeGreaterThanOrEqual(Math.ceil(ROUNDS / 2));
  });
});
