/**
 * Sync catch-up after a 24-hour outage of a busy district (issue 5): the edge holds ≥ 50,000 unacknowledged events
 * and 5,000 photos; the link returns; how long until central holds everything, every case is folded, and the
 * per-day digests match? Central runs on a real PostgreSQL 15 (private cluster, same settings as the integration
 * suite: fsync off for both contenders) behind its real HTTP server on loopback; the edge is a real node with its
 * sync client. The limit measured in the same run: a raw bulk insert of the same event and blob rows into the same
 * PostgreSQL (multi-row INSERTs of 500, no checks, no fold) — the floor of what the database itself costs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import sharp from 'sharp';
import { buildCentral, startCentralServer } from '../../central/main.js';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { events as edgeEvents } from '../../edge/db/schema.js';
import { buildEdge } from '../../edge/main.js';
import { BlobStore } from '../../edge/media/blob-store.js';
import { SyncFeature } from '../../edge/sync/sync.feature.js';
import type { CaseEvent } from '../../shared/case/events.js';
import { validateEvent } from '../../shared/case/events.js';
import { canonicalJson, foldCase } from '../../shared/case/fold.js';
import { formatHlc } from '../../shared/identity/hlc.js';
import { newId } from '../../shared/identity/ids.js';
import { setSyncSpanHook } from '../../shared/sync/spans.js';
import { startPostgres } from '../support/postgres.js';

// Smaller runs for profiling: WANMI_BENCH_SYNC_CASES=2000 (photos follow: one on every other report).
const CASES = Number(process.env.WANMI_BENCH_SYNC_CASES ?? 10_000); // × 5 events = 50,000 events
const PHOTOS = Number(process.env.WANMI_BENCH_SYNC_PHOTOS ?? CASES / 2);
const ORIGIN = 'district:320481';
const DAY_START = Date.parse('2026-03-02T00:00:00+08:00');
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A busy district's day: 10,000 cases reported through 24 h, each filed, dispatched, signed and handled. */
function districtDay(photos: string[]): CaseEvent[] {
  const drafts: { caseId: string; at: number; type: string; payload: unknown; role: string; provisional?: boolean }[] =
    [];
  for (let i = 0; i < CASES; i++) {
    const caseId = newId();
    const t = DAY_START + Math.floor((i / CASES) * 20 * 3_600_000);
    const photo = i % 2 === 0 ? photos[i / 2] : undefined; // undefined past the last photo
    drafts.push({
      caseId,
      at: t,
      type: 'reported',
      role: 'collector',
      payload: {
        district: '320481',
        source: 'collector',
        category: { kind: 'matter', code: '06001' },
        location: { lon: 119.47 + (i % 300) * 0.0001, lat: 31.41 + (i % 200) * 0.0001 },
        gridCode: '320481001001001',
        description: `暴露垃圾 exposed garbage #${i}`,
        photos: photo ? [photo] : [],
      },
    });
    drafts.push({
      caseId,
      at: t + 600_000,
      type: 'filed',
      role: 'shift_lead',
      provisional: true,
      payload: {
        caseNumber: `320481-20260302-${String(i + 1).padStart(5, '0')}`,
        limit: { amount: 1, unit: 'working_hours' },
      },
    });
    drafts.push({
      caseId,
      at: t + 1_200_000,
      type: 'dispatched',
      role: 'dispatcher',
      payload: { departmentId: 'dept-sanitation', limit: { amount: 2, unit: 'working_days' } },
    });
    drafts.push({ caseId, at: t + 1_800_000, type: 'signed', role: 'handler', payload: {} });
    drafts.push({
      caseId,
      at: t + 7_200_000,
      type: 'handled',
      role: 'handler',
      payload: { result: '已清理', photos: [] },
    });
  }
  drafts.sort((a, b) => a.at - b.at);
  let last = 0;
  let logical = 0;
  return drafts.map((d, i) => {
    logical = d.at === last ? logical + 1 : 0;
    last = d.at;
    const checked = validateEvent({
      v: 1,
      id: newId(),
      caseId: d.caseId,
      origin: ORIGIN,
      seq: i + 1,
      hlc: formatHlc({ physical: d.at, logical }),
      type: d.type,
      actor: { userId: `${d.role}-1`, role: d.role },
      at: new Date(d.at).toISOString(),
      ...(d.provisional ? { provisional: true } : {}),
      deps: {},
      payload: d.payload,
    });
    if (!checked.ok) throw new Error(`bench event ${i}: ${checked.error}`);
    return checked.event;
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-sync-bench-'));
  const cluster = await startPostgres({ database: 'wanmi' });
  const edge = buildEdge(
    parseEdgeConfig({
      version: 1,
      district: { division: '320481', name: '溧阳市' },
      city: { division: '320400', name: '常州市' },
      dataDir: dir,
      http: { port: 0 },
    }),
  );
  const central = await buildCentral({ db: { kind: 'postgres', url: cluster.url, poolSize: 4 }, city: '320400' });
  const server = await startCentralServer(central, { port: 0 });
  try {
    // Seed (not timed): 5,000 small distinct JPEGs in the edge's blob store, 50,000 events in its log.
    const seedStart = performance.now();
    const blobs = new BlobStore({ dir: join(dir, 'blobs'), db: edge.db });
    const photos: string[] = [];
    let photoBytes = 0;
    const seen = new Set<string>();
    for (let i = 0; photos.length < PHOTOS; i++) {
      // Distinct images: a colour per photo and a size per block of colours (JPEG maps close colours together).
      const width = 96 + (i % 17);
      const jpeg = await sharp({
        create: { width, height: 72, channels: 3, background: { r: (i * 7) % 256, g: (i * 13) % 256, b: i % 97 } },
      })
        .jpeg({ quality: 80 })
        .toBuffer();
      const { sha256 } = blobs.put(jpeg, { mime: 'image/jpeg', width, height: 72, role: 'published' });
      if (seen.has(sha256)) continue;
      seen.add(sha256);
      photoBytes += jpeg.length;
      photos.push(sha256);
    }
    const log = districtDay(photos);
    const receivedAt = new Date().toISOString();
    edge.db.$client.transaction(() => {
      for (const e of log)
        edge.db
          .insert(edgeEvents)
          .values({
            id: e.id,
            caseId: e.caseId,
            origin: e.origin,
            seq: e.seq,
            hlc: e.hlc,
            type: e.type,
            at: e.at,
            body: JSON.stringify(e),
            receivedAt,
          })
          .run();
    })();
    const seedS = (performance.now() - seedStart) / 1000;
    process.stderr.write(`bench sync: seeded ${log.length} events, ${PHOTOS} photos in ${round(seedS, 1)} s\n`);

    // Catch-up (timed): the link returns; one sync round pushes blobs first, then every batch, pulls, and compares
    // the per-day digests (the first round after a reconnect runs the anti-entropy check).
    const token = await central.sync.issueToken(ORIGIN, 'bench');
    const sync = new SyncFeature({
      db: edge.db,
      store: edge.services.store,
      origin: ORIGIN,
      centralUrl: `http://127.0.0.1:${server.port}`,
      token,
      fetch: (input, init) => fetch(input, init),
      now: Date.now,
      // The edge's defaults: batches of 500, up to 10,000 while catching up (outbox > 4 batches).
      ...(process.env.WANMI_BENCH_SYNC_BATCH ? { catchUpBatchSize: Number(process.env.WANMI_BENCH_SYNC_BATCH) } : {}),
      blobs,
    });
    const backlogBefore = sync.status().backlog;
    // WANMI_BENCH_SYNC_PROFILE=<file.cpuprofile>: a V8 CPU profile of the catch-up window only (not the seed).
    const profile = process.env.WANMI_BENCH_SYNC_PROFILE;
    const inspector = profile ? new Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    const spans = new Map<string, [number, number]>();
    setSyncSpanHook((k, ms) => {
      const v = spans.get(k) ?? [0, 0];
      v[0] += ms;
      v[1] += 1;
      spans.set(k, v);
    });
    const t0 = performance.now();
    const round1 = await sync.syncOnce();
    const catchUpS = (performance.now() - t0) / 1000;
    if (inspector && profile) {
      const { profile: cpu } = await inspector.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(cpu));
      inspector.disconnect();
    }
    setSyncSpanHook(undefined);
    process.stderr.write(`bench sync: caught up in ${round(catchUpS)} s\n`);
    const status = sync.status();
    const remote = await central.sync.digest({ origin: ORIGIN, district: '320481' });
    const digestsMatch = JSON.stringify(remote.days) === JSON.stringify(sync.localDigest());
    // Converged means every case folds to the same state on both sides, not only the same events (checked, not timed;
    // the seed wrote the edge's log directly, so the edge side is the shared fold of its own events per case).
    const byCase = new Map<string, unknown[]>();
    for (const r of edge.db.$client.prepare('SELECT case_id AS caseId, body FROM events').all() as {
      caseId: string;
      body: string;
    }[])
      byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), JSON.parse(r.body)]);
    const edgeStates = new Map([...byCase].map(([id, evs]) => [id, canonicalJson(foldCase(evs))]));
    const centralStates = (
      (await central.db.execute(sql`SELECT id, state FROM cases WHERE district = '320481'`)) as unknown as {
        rows: { id: string; state: unknown }[];
      }
    ).rows;
    const projectionsMatch =
      centralStates.length === edgeStates.size &&
      centralStates.every((r) => edgeStates.get(r.id) === canonicalJson(r.state));

    // The limit: the same rows, bulk-inserted raw into tables shaped like central's, in the same PostgreSQL.
    const client = new pg.Client({ connectionString: cluster.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('CREATE TABLE raw_events (LIKE events INCLUDING ALL)');
    await client.query('CREATE TABLE raw_blobs (LIKE blobs INCLUDING ALL)');
    const photoRows: { sha: string; bytes: Buffer }[] = photos.map((sha) => ({ sha, bytes: blobs.get(sha) as Buffer }));
    // Photo rows go in 500 at a time with binary parameters (the same for both raw inserts).
    const insertBlobs = async (table: string) => {
      for (let i = 0; i < photoRows.length; i += 500) {
        const params: unknown[] = [];
        const values = photoRows.slice(i, i + 500).map((p, j) => {
          params.push(p.sha, '320481', p.bytes.length, 'image/jpeg', p.bytes);
          const b = j * 5;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
        });
        await client.query(
          `INSERT INTO ${table} (sha256, district, size, mime, bytes) VALUES ${values.join(',')}`,
          params,
        );
      }
    };
    const r0 = performance.now();
    await insertBlobs('raw_blobs');
    for (let i = 0; i < log.length; i += 500) {
      const chunk = log.slice(i, i + 500);
      const params: unknown[] = [];
      const values = chunk.map((e, j) => {
        params.push(e.id, e.caseId, '320481', e.origin, e.seq, e.hlc, e.type, JSON.stringify(e));
        const b = j * 8;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
      });
      await client.query(
        `INSERT INTO raw_events (id, case_id, district, origin, seq, hlc, type, body) VALUES ${values.join(',')}`,
        params,
      );
    }
    const rawS = (performance.now() - r0) / 1000;
    // The same rows again the way central's own ingest sends them (one JSON document per 10,000 events, the edge's
    // catch-up batch): the faster of the two raw inserts is the limit, so no cleverness of ours can beat the limit.
    await client.query('CREATE TABLE raw_events2 (LIKE events INCLUDING ALL)');
    await client.query('CREATE TABLE raw_blobs2 (LIKE blobs INCLUDING ALL)');
    const d0 = performance.now();
    await insertBlobs('raw_blobs2');
    for (let i = 0; i < log.length; i += 10_000) {
      const rows = log.slice(i, i + 10_000).map((e) => ({
        id: e.id,
        case_id: e.caseId,
        district: '320481',
        origin: e.origin,
        seq: e.seq,
        hlc: e.hlc,
        type: e.type,
        body: e,
      }));
      await client.query(
        `INSERT INTO raw_events2 (id, case_id, district, origin, seq, hlc, type, body)
         SELECT id, case_id, district, origin, seq, hlc, type, body
           FROM json_to_recordset($1::json)
             AS t(id text, case_id text, district text, origin text, seq bigint, hlc text, type text, body jsonb)`,
        [JSON.stringify(rows)],
      );
    }
    const rawDocS = (performance.now() - d0) / 1000;
    const sizes = (
      await client.query<{ events: string; cases: string; blobs: string }>(
        `SELECT pg_total_relation_size('events') AS events, pg_total_relation_size('cases') AS cases,
                pg_total_relation_size('blobs') AS blobs`,
      )
    ).rows[0];
    await client.end();

    const centralEvents = remote.days.reduce((n, d) => n + d.count, 0);
    const eventsPerS = log.length / catchUpS;
    const rawEventsPerS = log.length / Math.min(rawS, rawDocS);
    return {
      scenario: `24-hour outage of a busy district: ${log.length} events (${CASES} cases × 5 steps), ${PHOTOS} photos (${round(photoBytes / 2 ** 20)} MiB), catch-up push batches of up to 10,000 (the edge default), two in flight, loopback HTTP, PostgreSQL 15 (fsync off for both contenders)`,
      seedS: round(seedS, 1),
      backlogBefore,
      pushed: round1.pushed,
      backlogAfter: status.backlog,
      centralEvents,
      digestsMatch,
      projectionsMatch,
      catchUp: { seconds: round(catchUpS), limitSeconds: 60, ratioToLimit: round(catchUpS / 60, 3) },
      eventsPerSecond: round(eventsPerS, 0),
      rawBulkInsert: {
        seconds: round(Math.min(rawS, rawDocS)),
        eventsPerSecond: round(rawEventsPerS, 0),
        what: 'same event rows + blob rows, same PostgreSQL, no checks, no fold: the faster of two raw inserts',
        multiRowInsertOf500Seconds: round(rawS),
        jsonDocumentOf10000Seconds: round(rawDocS),
      },
      // Where the catch-up's time went (ms summed over calls; nested spans overlap their parents: edge.pushCall holds
      // push.* and ingest.*, ingest.project holds project.fold).
      phasesMs: Object.fromEntries([...spans].map(([k, [ms, n]]) => [k, { ms: Math.round(ms), calls: n }])),
      ratioToRawBulkInsert: { value: round(eventsPerS / rawEventsPerS, 3), goal: 0.3 },
      storage: {
        eventsBytesPerEvent: round(Number(sizes?.events ?? 0) / centralEvents, 0),
        casesBytesPerCase: round(Number(sizes?.cases ?? 0) / CASES, 0),
        blobsMiB: round(Number(sizes?.blobs ?? 0) / 2 ** 20, 1),
      },
    };
  } catch (err) {
    process.stderr.write(`bench sync: ${err instanceof Error ? err.stack : String(err)}\n`);
    throw err;
  } finally {
    await server.stop();
    edge.close();
    await cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
