import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { cases, events } from '../../central/db/schema.js';
import type { Central } from '../../central/main.js';
import { canonicalJson } from '../../shared/case/fold.js';
import { dayDigests } from '../../shared/sync/digest.js';

export interface Snapshot {
  digest: { day: string; count: number; hash: string }[];
  ids: string[];
  states: Map<string, string>;
}

/** What an edge holds, read from its SQLite file (works for an in-process edge and for a separate process). */
export function edgeSnapshot(dbFile: string, origin: string): Snapshot & { backlog: number } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT id, hlc FROM events').all() as { id: string; hlc: string }[];
    const states = new Map(
      (db.prepare('SELECT id, state FROM cases').all() as { id: string; state: string }[]).map((r) => [
        r.id,
        canonicalJson(JSON.parse(r.state)),
      ]),
    );
    const acked = Number(
      (db.prepare("SELECT value FROM node_state WHERE key = 'sync.acked'").get() as { value?: string } | undefined)
        ?.value ?? '0',
    );
    const backlog = (
      db.prepare('SELECT count(*) AS n FROM events WHERE origin = ? AND seq > ?').get(origin, acked) as { n: number }
    ).n;
    return { digest: dayDigests(rows), ids: rows.map((r) => r.id).sort(), states, backlog };
  } finally {
    db.close();
  }
}

export async function centralSnapshot(central: Central, district: string): Promise<Snapshot> {
  const rows = await central.db
    .select({ id: events.id, hlc: events.hlc })
    .from(events)
    .where(eq(events.district, district));
  const caseRows = await central.db
    .select({ id: cases.id, state: cases.state })
    .from(cases)
    .where(eq(cases.district, district));
  return {
    digest: dayDigests(rows),
    ids: rows.map((r) => r.id).sort(),
    states: new Map(caseRows.map((r) => [r.id, canonicalJson(r.state)])),
  };
}

/** True when both sides hold exactly the same events and fold every case to the same state. */
export function same(edge: Snapshot & { backlog: number }, city: Snapshot): boolean {
  if (edge.backlog !== 0) return false;
  if (JSON.stringify(edge.digest) !== JSON.stringify(city.digest)) return false;
  if (edge.ids.length !== city.ids.length || edge.ids.some((id, i) => id !== city.ids[i])) return false;
  if (edge.states.size !== city.states.size) return false;
  for (const [id, s] of edge.states) if (city.states.get(id) !== s) return false;
  return true;
}

/**
 * Polls until edge and central agree, failing after `withinMs`; returns the time it took. On failure the assertion
 * shows what still differs (digests, ids, the first differing case).
 */
export async function expectConvergence(
  read: () => Promise<{ edge: Snapshot & { backlog: number }; city: Snapshot }>,
  withinMs = 10_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { edge, city } = await read();
    if (same(edge, city)) {
      // No duplicates anywhere: ids are unique on both sides.
      expect(new Set(edge.ids).size).toBe(edge.ids.length);
      expect(new Set(city.ids).size).toBe(city.ids.length);
      return Date.now() - started;
    }
    if (Date.now() - started > withinMs) {
      const missingAtCity = edge.ids.filter((id) => !city.ids.includes(id)).length;
      const missingAtEdge = city.ids.filter((id) => !edge.ids.includes(id)).length;
      const differing = [...edge.states].find(([id, s]) => city.states.get(id) !== s)?.[0];
      expect({
        backlog: edge.backlog,
        missingAtCity,
        missingAtEdge,
        differing,
        edgeDays: edge.digest,
        cityDays: city.digest,
      }).toEqual({ backlog: 0, missingAtCity: 0, missingAtEdge: 0, differing: undefined });
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A child process started with tsx that prints `READY <port>`; killed by its pid (and process group) on demand. */
export interface Child {
  proc: ChildProcess;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
  send(line: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export async function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters])
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  });
  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`${script}: no ${pattern} in ${ms} ms; stderr: ${stderr}`)), ms);
      proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before ${pattern}: ${stderr}`)));
      waiters.push({
        pattern,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  const ready = await waitFor(/^READY \d+$/, timeoutMs);
  return {
    proc,
    port: Number(ready.split(' ')[1]),
    send: (line) => proc.stdin?.write(`${line}\n`),
    waitFor,
    kill: async (signal = 'SIGKILL') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      try {
        if (proc.pid) process.kill(-proc.pid, signal);
      } catch {
        /* already gone */
      }
      await gone;
    },
  };
}
