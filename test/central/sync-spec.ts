import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralDbOptions } from '../../central/db/open.js';
import { blobs as centralBlobs, events as centralEvents, integrityAlarms } from '../../central/db/schema.js';
import { events as edgeEvents } from '../../edge/db/schema.js';
import { SyncFeature } from '../../edge/sync/sync.feature.js';
import { canonicalJson } from '../../shared/case/fold.js';
import type { CaseState } from '../../shared/case/state.js';
import { startCentral } from '../support/central-harness.js';
import { cameraJpeg, DEPARTMENT, EdgeHarness, photoForm } from '../support/edge-harness.js';

type Central = Awaited<ReturnType<typeof startCentral>>;

/** A central store for the spec: PGlite in-process, or a private PostgreSQL 15 cluster. */
export interface CentralBackend {
  options: CentralDbOptions;
  teardown(): Promise<void>;
}

/**
 * The sync v1 spec, run against central on every backend: PGlite (sync-spec.pglite.test.ts, the fast suite) and a
 * real PostgreSQL 15 (sync-spec.postgres.test.ts). Same assertions, same edge.
 */
export function syncSpec(label: string, backend: () => Promise<CentralBackend>): void {
  describe(`sync v1 between a district edge and central (${label})`, () => {
    const h = new EdgeHarness();
    let central: Central;
    let sync: SyncFeature;
    let token: string;
    let store: CentralBackend;

    beforeAll(async () => {
      await h.start();
      store = await backend();
      central = await startCentral(store.options, () => h.clock);
      token = await central.sync.issueToken('district:320481', 'edge 320481');
      sync = new SyncFeature({
        db: h.node.db,
        store: h.node.services.store,
        origin: 'district:320481',
        centralUrl: 'http://central',
        token,
        fetch: central.fetch,
        now: () => h.clock,
        blobs: { get: (sha) => h.node.services.uploads.published(sha)?.bytes ?? originalBytes(sha) },
      });
    });
    // Originals are not served by the upload service; read them straight from the blob store's files.
    const originalBytes = (sha: string): Buffer | undefined => {
      try {
        return readFileSync(join(h.dir, 'blobs', sha.slice(0, 2), sha));
      } catch {
        return undefined;
      }
    };
    afterAll(async () => {
      await central?.close();
      await store?.teardown();
      await h.stop();
    });

    async function newCase(n: string): Promise<string> {
      const collector = await h.as('collector');
      const r = await collector.json<{ case: CaseState }>('POST', '/api/v1/reports', {
        clientReportId: n,
        category: { kind: 'matter', code: '06001' },
        location: { lon: 119.48, lat: 31.42 },
        description: n,
      });
      return r.body.case.caseId ?? '';
    }
    const step = async (
      role: 'operator' | 'dispatcher' | 'handler' | 'shift_lead',
      id: string,
      action: string,
      body: unknown = {},
    ) => {
      const r = await (await h.as(role)).json<{ case: CaseState }>('POST', `/api/v1/cases/${id}/${action}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.case;
    };
    async function expectConverged(caseIds: string[]) {
      for (const id of caseIds) {
        const edge = h.node.services.store.get(id);
        const city = await central.log.get(id);
        expect(canonicalJson(city)).toBe(canonicalJson(edge));
      }
      const remote = await central.sync.digest({ origin: 'district:320481', district: '320481' });
      expect(remote.days).toEqual(sync.localDigest());
    }

    it('pushes the outbox with acks, pulls the city’s decisions, and both sides fold the same state', async () => {
      const id = await newCase('s-1');
      await step('operator', id, 'file');
      await step('dispatcher', id, 'dispatch', { departmentId: DEPARTMENT });
      expect(sync.status().backlog).toBe(3);
      expect(await sync.syncOnce()).toEqual({ pushed: 3, pulled: 0 });
      expect(sync.status()).toMatchObject({ link: 'up', backlog: 0, oldestUnsyncedAgeMs: null });

      const filed = (await central.log.get(id))?.provisional.find((p) => p.type === 'filed');
      await central.log.append(
        id,
        [
          { type: 'provisional_confirmed', payload: { eventIds: [filed?.eventId] } },
          { type: 'urged', payload: { comment: '市级督办', level: 'high' } },
        ],
        { userId: 'city-lead', role: 'shift_lead' },
      );
      expect(await sync.syncOnce()).toEqual({ pushed: 0, pulled: 2 });
      const edge = h.node.services.store.get(id);
      expect(edge?.provisional.find((p) => p.type === 'filed')?.state).toBe('confirmed');
      expect(edge?.urges.map((u) => u.comment)).toEqual(['市级督办']);
      await expectConverged([id]);
    });

    it('the link is cut; the city voids, then the district (not knowing) dispatches; after the link returns both agree and the conflict is visible on both', async () => {
      const id = await newCase('s-2');
      await step('operator', id, 'file');
      await sync.syncOnce();
      central.link.down = true;
      const req = await central.log.append(
        id,
        [{ type: 'special_requested', payload: { op: 'void', reason: '重复案件' } }],
        { userId: 'city-op', role: 'operator' },
      );
      const requestId = req.specialOps.at(-1)?.requestId;
      await central.log.append(id, [{ type: 'special_decided', payload: { requestId, approved: true } }], {
        userId: 'city-lead',
        role: 'shift_lead',
      });
      h.advance(5);
      const local = await step('dispatcher', id, 'dispatch', { departmentId: DEPARTMENT });
      expect(local.status).toBe('dispatched'); // the district keeps working on what it knows
      await expect(sync.syncOnce()).rejects.toThrow(/link cut/);
      expect(sync.status()).toMatchObject({ link: 'down', backlog: 1 });
      expect(sync.status().oldestUnsyncedAgeMs).toBeGreaterThanOrEqual(0);
      central.link.down = false;
      await sync.syncOnce();
      await expectConverged([id]);
      for (const state of [h.node.services.store.get(id), await central.log.get(id)]) {
        expect(state?.status).toBe('voided');
        expect(state?.conflicts).toEqual([
          expect.objectContaining({
            type: 'dispatched',
            kind: 'transition',
            reason: expect.stringContaining('voided'),
          }),
        ]);
      }
      expect(sync.status().backlog).toBe(0);
    });

    it('a replayed batch is a no-op, and a lost acknowledgement only causes a harmless replay', async () => {
      const id = await newCase('s-3');
      const before = (await central.sync.digest({ origin: 'district:320481', district: '320481' })).days;
      // The push reaches central but the answer is lost: the edge does not move its watermark.
      const real = central.fetch;
      let dropAnswer = true;
      const lossy: typeof fetch = async (input, init) => {
        const res = await real(input, init);
        if (dropAnswer && init?.method === 'POST') {
          dropAnswer = false;
          throw new TypeError('socket hang up after the server committed');
        }
        return res;
      };
      const flaky = new SyncFeature({
        db: h.node.db,
        store: h.node.services.store,
        origin: 'district:320481',
        centralUrl: 'http://central',
        token,
        fetch: lossy,
        now: () => h.clock,
      });
      await expect(flaky.syncOnce()).rejects.toThrow(/hang up/);
      expect(flaky.status().backlog).toBe(1);
      await flaky.syncOnce();
      expect(flaky.status().backlog).toBe(0);
      const after = (await central.sync.digest({ origin: 'district:320481', district: '320481' })).days;
      expect(after.reduce((n, d) => n + d.count, 0)).toBe(before.reduce((n, d) => n + d.count, 0) + 1);
      await expectConverged([id]);
    });

    it('blobs first: a report’s photo (and its original) reach central before the event that references it', async () => {
      const collector = await h.as('collector');
      const jpeg = await cameraJpeg(320, 240);
      const res = await collector.request(
        'POST',
        '/api/v1/reports',
        photoForm(
          {
            clientReportId: 'b-1',
            category: { kind: 'matter', code: '06001' },
            location: { lon: 119.48, lat: 31.42 },
            description: 'with photo',
          },
          [jpeg],
        ),
      );
      expect(res.status).toBe(201);
      const state = ((await res.json()) as { case: CaseState }).case;
      const [photo] = state.photos.report;
      expect(photo).toMatch(/^[0-9a-f]{64}$/);
      await sync.syncOnce();
      const stored = await central.db.select().from(centralBlobs);
      const published = stored.find((b) => b.sha256 === photo);
      expect(published?.size).toBeGreaterThan(0);
      expect(stored.length).toBeGreaterThanOrEqual(2); // the original (evidence) travels too
      await expectConverged([state.caseId ?? '-']);

      // The endpoint itself: idempotent, verified, capped, and refusing events whose blobs are missing.
      const put = (sha: string, body: Uint8Array, t = token) =>
        central.app.request(`/sync/v1/blobs/${sha}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${t}`, 'content-type': 'image/jpeg' },
          body,
        });
      const bytes = new Uint8Array(Buffer.from('not really a jpeg, but bytes are bytes'));
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect((await put(sha, bytes)).status).toBe(201);
      expect((await put(sha, bytes)).status).toBe(200);
      const wrong = await put('0'.repeat(64), bytes);
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toMatch(/hashes to/);
      expect((await put('../etc/passwd', bytes)).status).toBe(404);
      expect((await put('ab'.repeat(32), new Uint8Array(16 * 1024 * 1024 + 1))).status).toBe(413);
      const missing = 'cd'.repeat(32);
      const scenarioCase = h.node.services.store.loadEvents(state.caseId ?? '-')[0];
      const forged = {
        ...scenarioCase,
        id: '01900000-0000-7000-8000-000000000001',
        seq: 999_999,
        payload: { ...(scenarioCase?.payload as object), photos: [missing] },
      };
      const refused = await central.app.request('/sync/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ v: 1, origin: 'district:320481', events: [forged] }),
      });
      expect(refused.status).toBe(422);
      expect(await refused.text()).toMatch(/blobs first/);
      const other = await central.sync.issueToken('district:320483', 'edge 320483');
      const foreign = await central.app.request(`/sync/v1/blobs/${photo}`, {
        headers: { authorization: `Bearer ${other}` },
      });
      expect(foreign.status).toBe(404);
      const mine = await central.app.request(`/sync/v1/blobs/${photo}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(
        Buffer.from(await mine.arrayBuffer()).equals(
          h.node.services.uploads.published(photo ?? '-')?.bytes ?? Buffer.alloc(0),
        ),
      ).toBe(true);
    });

    it('anti-entropy: after a reconnect, per-day digests are compared and the days that differ are repaired', async () => {
      const id = await newCase('ae-1');
      await step('operator', id, 'file');
      await sync.syncOnce();
      await central.log.append(id, [{ type: 'urged', payload: { comment: '请尽快', level: 'normal' } }], {
        userId: 'city-lead',
        role: 'leader',
      });
      await sync.syncOnce();
      // Divergence no sync round would notice: central lost a district event (restored from an older backup), and
      // the edge lost the city's urge (a disk repair) — both behind their watermark and cursor.
      const [, filed] = h.node.services.store.loadEvents(id);
      const urge = h.node.services.store.loadEvents(id).find((e) => e.type === 'urged');
      await central.db.delete(centralEvents).where(eq(centralEvents.id, filed?.id ?? '-'));
      h.node.db
        .delete(edgeEvents)
        .where(eq(edgeEvents.id, urge?.id ?? ''))
        .run();
      expect(sync.localDigest()).not.toEqual(
        (await central.sync.digest({ origin: 'district:320481', district: '320481' })).days,
      );
      central.link.down = true;
      await expect(sync.syncOnce()).rejects.toThrow();
      central.link.down = false;
      await sync.syncOnce(); // the first round after a reconnect runs the repair
      expect(sync.status().lastRepair).toMatchObject({ pushed: 1, fetched: 1, unrepairable: 0 });
      expect(sync.status().lastRepair?.days.length).toBeGreaterThanOrEqual(1);
      const n = await central.db
        .select({ n: sql<number>`count(*)` })
        .from(centralEvents)
        .where(and(eq(centralEvents.id, filed?.id ?? '-')));
      expect(Number(n[0]?.n)).toBe(1);
      await expectConverged([id]);
      expect(h.node.services.store.get(id)?.urges.map((u) => u.comment)).toContain('请尽快');
    });

    describe('security and bad input', () => {
      const push = (t: string, body: unknown) =>
        central.app.request('/sync/v1/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const eventsOf = (id: string) => h.node.services.store.loadEvents(id);
      const count = async () =>
        Number((await central.sync.digest({ origin: 'x', district: '320481' })).days.reduce((n, d) => n + d.count, 0)) +
        Number((await central.sync.digest({ origin: 'x', district: '320482' })).days.reduce((n, d) => n + d.count, 0));

      it('a token for district B cannot push district A’s cases or pull them (403, nothing stored)', async () => {
        const id = await newCase('s-4');
        const other = await central.sync.issueToken('district:320482', 'edge 320482');
        const before = await count();
        const evs = eventsOf(id).map((e) => ({ ...e, origin: 'district:320482' }));
        const res = await push(other, { v: 1, origin: 'district:320482', events: evs });
        expect(res.status).toBe(403);
        expect(await count()).toBe(before);
        const spoof = await push(other, { v: 1, origin: 'district:320481', events: eventsOf(id) });
        expect(spoof.status).toBe(403);
        const pulled = await central.app.request('/sync/v1/events', { headers: { authorization: `Bearer ${other}` } });
        expect(((await pulled.json()) as { events: unknown[] }).events).toEqual([]);
        expect(
          (await central.app.request('/sync/v1/events', { headers: { authorization: 'Bearer nope' } })).status,
        ).toBe(401);
      });

      it('a reused (origin, seq) with different content is refused and raises an integrity alarm', async () => {
        const id = await newCase('s-5');
        await sync.syncOnce();
        const [reported] = eventsOf(id);
        const forged = { ...reported, payload: { ...(reported?.payload as object), description: '篡改' } };
        const res = await push(token, { v: 1, origin: 'district:320481', events: [forged] });
        expect(res.status).toBe(409);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/integrity/);
        const alarms = await central.db.select().from(integrityAlarms);
        expect(alarms.some((a) => a.eventId === reported?.id)).toBe(true);
        expect((await central.log.get(id))?.description).toBe('s-5');
      });

      it('malformed, oversized-batch and wrong-version messages get a clear 4xx', async () => {
        const bad = [
          [{ v: 2, origin: 'district:320481', events: [] }, /version/],
          [{ v: 1, origin: 'district:320481', events: [] }, /at least one event/],
          [{ v: 1, origin: 'district:320481', events: Array.from({ length: 501 }, () => ({})) }, /at most 500/],
          [{ v: 1, origin: 'district:320481', events: [{ id: 'x' }] }, /events\[0\]/],
        ] as const;
        for (const [body, rule] of bad) {
          const res = await push(token, body);
          expect(res.status).toBe(400);
          expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(rule);
        }
        const junk = await central.app.request('/sync/v1/events', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: '{',
        });
        expect(junk.status).toBe(400);
        expect(
          (await central.app.request('/sync/v1/events?cursor=abc', { headers: { authorization: `Bearer ${token}` } }))
            .status,
        ).toBe(400);
      });
    });
  });
}
