import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralDbOptions } from '../../central/db/open.js';
import { auditLog, blobs as centralBlobs, events as centralEvents, integrityAlarms } from '../../central/db/schema.js';
import { events as edgeEvents } from '../../edge/db/schema.js';
import { SyncFeature } from '../../edge/sync/sync.feature.js';
import { canonicalJson } from '../../shared/case/fold.js';
import type { CaseState } from '../../shared/case/state.js';
import { encodeBlobBatch } from '../../shared/sync/blob-batch.js';
import { BLOB_BATCH_MEDIA_TYPE } from '../../shared/sync/messages.js';
import { startCentral } from '../support/central-harness.js';
import { cameraJpeg, DEPARTMENT, EdgeHarness, photoForm } from '../support/edge-harness.js';

type Central = Awaited<ReturnType<typeof startCentral>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(ok: () => boolean, withinMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await sleep(50);
  }
}

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

    describe('the city’s supervision API (一级监督) and concurrent decisions', () => {
      const cityUsers = new Map<string, { cookie: string; csrf: string }>();
      const city = async (role: 'operator' | 'shift_lead' | 'leader' | 'collector' | 'admin') => {
        const known = cityUsers.get(role);
        if (known) return known;
        const username = `city-${role.replace('_', '')}`;
        await central.auth.createUser({ username, displayName: `city ${role}`, role, password: 'city-password-2026' });
        const res = await central.app.request('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'city-password-2026' }),
        });
        expect(res.status).toBe(200);
        const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        const session = { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
        cityUsers.set(role, session);
        return session;
      };
      const cityCall = async <T = Record<string, unknown>>(
        role: 'operator' | 'shift_lead' | 'leader' | 'collector' | 'admin',
        method: string,
        path: string,
        body?: unknown,
      ) => {
        const s = await city(role);
        const res = await central.app.request(path, {
          method,
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
      const bothApis = async (id: string) => {
        const edge = await (await h.as('shift_lead')).json<{ case: CaseState }>('GET', `/api/v1/cases/${id}`);
        const cityView = await cityCall<{ case: CaseState }>('shift_lead', 'GET', `/api/v1/cases/${id}`);
        expect(edge.status).toBe(200);
        expect(cityView.status).toBe(200);
        return [edge.body.case, cityView.body.case] as const;
      };

      it('the city closes while the district (cut off) reworks: the owner’s close wins on both sides, the rework is a visible conflict', async () => {
        const id = await newCase('cc-1');
        await step('operator', id, 'file');
        await step('dispatcher', id, 'dispatch', { departmentId: DEPARTMENT });
        await step('handler', id, 'sign');
        await step('handler', id, 'feedback', { result: '已清理', photos: [] });
        const collector = await h.as('collector');
        await step('operator', id, 'check-request', { collectorId: collector.userId });
        await sync.syncOnce();
        central.link.down = true;
        // The city's collector checks and the city's shift lead closes (through central's API)...
        expect((await cityCall('collector', 'POST', `/api/v1/cases/${id}/check`, { passed: true })).status).toBe(200);
        const closed = await cityCall<{ case: CaseState }>('shift_lead', 'POST', `/api/v1/cases/${id}/close`, {});
        expect(closed.status).toBe(200);
        expect(closed.body.case.status).toBe('closed');
        // ...while the district, not knowing, records a failed check and orders rework (provisionally).
        h.advance(5);
        const failed = await collector.json<{ case: CaseState }>('POST', `/api/v1/cases/${id}/check`, {
          passed: false,
        });
        expect(failed.status).toBe(200);
        const reworked = await step('operator', id, 'rework', { reason: '未清理干净' });
        expect(reworked.status).toBe('handling');
        central.link.down = false;
        await sync.syncOnce();
        await expectConverged([id]);
        const [edge, cityView] = await bothApis(id);
        expect(canonicalJson(edge)).toBe(canonicalJson(cityView));
        for (const state of [edge, cityView]) {
          expect(state.status).toBe('closed');
          expect(state.conflicts.map((c) => c.type)).toEqual(expect.arrayContaining(['check_recorded', 'reworked']));
        }
      });

      it('the city voids while the district dispatches: both consoles’ APIs show the voided case and the conflict', async () => {
        const id = await newCase('cv-1');
        await step('operator', id, 'file');
        await sync.syncOnce();
        central.link.down = true;
        expect((await cityCall('shift_lead', 'POST', `/api/v1/cases/${id}/void`, { reason: '重复案件' })).status).toBe(
          200,
        );
        h.advance(5);
        await step('dispatcher', id, 'dispatch', { departmentId: DEPARTMENT });
        central.link.down = false;
        await sync.syncOnce();
        await expectConverged([id]);
        for (const state of await bothApis(id)) {
          expect(state.status).toBe('voided');
          expect(state.conflicts).toEqual([expect.objectContaining({ type: 'dispatched', kind: 'transition' })]);
        }
      });

      it('files a case for the district and sends it there; confirms a provisional decision; lists, searches, overview', async () => {
        const filed = await cityCall<{ case: CaseState }>('operator', 'POST', '/api/v1/cases', {
          district: '320481',
          source: 'hotline',
          category: { kind: 'matter', code: '06001' },
          location: { lon: 119.485, lat: 31.415 },
          description: '12345 热线: 路边垃圾堆积',
        });
        expect(filed.status).toBe(201);
        const id = filed.body.case.caseId ?? '';
        expect(filed.body.case).toMatchObject({
          status: 'filed',
          caseNumber: expect.stringMatching(/^320400-\d{8}-\d{5}$/),
        });
        await sync.syncOnce();
        expect(h.node.services.store.get(id)?.status).toBe('filed'); // the district's command centre has it
        await step('dispatcher', id, 'dispatch', { departmentId: DEPARTMENT });
        await sync.syncOnce();
        await expectConverged([id]);

        // A district's provisional filing, confirmed by the city through the API.
        const local = await newCase('cp-1');
        await step('operator', local, 'file');
        await sync.syncOnce();
        const pending = (await cityCall<{ case: CaseState }>('shift_lead', 'GET', `/api/v1/cases/${local}`)).body.case
          .provisional;
        expect(pending).toEqual([expect.objectContaining({ type: 'filed', state: 'pending' })]);
        const confirmed = await cityCall<{ case: CaseState }>('shift_lead', 'POST', `/api/v1/cases/${local}/confirm`, {
          eventIds: [pending[0]?.eventId],
        });
        expect(confirmed.body.case.provisional[0]?.state).toBe('confirmed');
        await sync.syncOnce();
        expect(h.node.services.store.get(local)?.provisional[0]?.state).toBe('confirmed');

        const search = await cityCall<{ total: number; cases: { id: string }[] }>(
          'leader',
          'GET',
          '/api/v1/cases?q=12345',
        );
        expect(search.body.cases.map((c) => c.id)).toEqual([id]);
        const voided = await cityCall<{ total: number }>(
          'leader',
          'GET',
          '/api/v1/cases?district=320481&status=voided',
        );
        expect(voided.body.total).toBeGreaterThanOrEqual(1);
        const overview = await cityCall<{ districts: Record<string, unknown>[] }>('leader', 'GET', '/api/v1/districts');
        expect(overview.body.districts.find((d) => d.district === '320481')).toMatchObject({
          link: 'up',
          backlog: 0,
          open: expect.any(Number),
          overdue: expect.any(Number),
          acked: expect.any(Number),
        });
      });

      it('an admin revokes a sync token (listed without its secret, audited): it stops working at once', async () => {
        const doomed = await central.sync.issueToken('district:320481', 'to revoke');
        const pull = () =>
          central.app.request('/sync/v1/events?wait=0', { headers: { authorization: `Bearer ${doomed}` } });
        expect((await pull()).status).toBe(200);
        expect((await cityCall('operator', 'GET', '/api/v1/sync/tokens')).status).toBe(403);
        const listed = await cityCall<{ tokens: { id: string; label: string; revokedAt: string | null }[] }>(
          'admin',
          'GET',
          '/api/v1/sync/tokens',
        );
        expect(listed.status).toBe(200);
        expect(JSON.stringify(listed.body)).not.toContain(doomed);
        const entry = listed.body.tokens.find((t) => t.label === 'to revoke');
        expect(entry?.revokedAt).toBeNull();
        expect((await cityCall('shift_lead', 'POST', `/api/v1/sync/tokens/${entry?.id}/revoke`, {})).status).toBe(403);
        const revoked = await cityCall<{ token: { revokedAt: string } }>(
          'admin',
          'POST',
          `/api/v1/sync/tokens/${entry?.id}/revoke`,
          {},
        );
        expect(revoked.status).toBe(200);
        expect(revoked.body.token.revokedAt).toBeTruthy();
        expect((await pull()).status).toBe(401); // at once, though the token was cached by the earlier call
        expect((await cityCall('admin', 'POST', '/api/v1/sync/tokens/0123456789abcdef/revoke', {})).status).toBe(404);
        expect((await cityCall('admin', 'POST', '/api/v1/sync/tokens/nope/revoke', {})).status).toBe(400);
        const audit = await central.db.select().from(auditLog).where(eq(auditLog.action, 'sync.token_revoked'));
        expect(audit.map((a) => a.target)).toContain(entry?.id);
        const other = await central.app.request('/sync/v1/events?wait=0', {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(other.status).toBe(200); // other tokens keep working
      });

      it('the supervision API checks who calls: no session 401, no CSRF 403, a role without the step 403', async () => {
        expect((await central.app.request('/api/v1/cases')).status).toBe(401);
        const op = await city('operator');
        const noCsrf = await central.app.request('/api/v1/cases', {
          method: 'POST',
          headers: { cookie: op.cookie, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(noCsrf.status).toBe(403);
        const id = await newCase('rb-1');
        await sync.syncOnce();
        expect((await cityCall('collector', 'POST', `/api/v1/cases/${id}/close`, {})).status).toBe(403);
        expect((await cityCall('leader', 'POST', '/api/v1/users', {})).status).toBe(403);
        const bad = await cityCall<{ error: { field: string } }>('operator', 'POST', '/api/v1/cases', {
          district: 'x',
        });
        expect(bad.status).toBe(400);
      });
    });

    it('long-polled pull: central holds an empty pull until the city writes to one of the district’s cases; the edge loop uses it', async () => {
      const id = await newCase('s-long-poll');
      await step('operator', id, 'file');
      await sync.syncOnce();
      const peer = { origin: 'district:320481', district: '320481' };
      let cursor: string | undefined;
      for (;;) {
        const page = await central.sync.pull(peer, cursor, 0);
        cursor = page.cursor;
        if (!page.more) break;
      }
      // Nothing new: a short wait runs out and answers with nothing, at the same cursor.
      let t = Date.now();
      const empty = await central.sync.pull(peer, cursor, 400);
      expect(empty).toMatchObject({ events: [], cursor, more: false });
      expect(Date.now() - t).toBeGreaterThanOrEqual(350);
      // Held: another district's commit does not answer it; a city decision on this district's case does, at once.
      t = Date.now();
      let answered = false;
      const held = central.sync.pull(peer, cursor, 20_000).finally(() => {
        answered = true;
      });
      await sleep(300);
      central.sync.notify('320482');
      await sleep(300);
      expect(answered).toBe(false);
      await central.log.append(id, [{ type: 'urged', payload: { comment: '督办', level: 'normal' } }], {
        userId: 'city-lead',
        role: 'shift_lead',
      });
      const page = await held;
      expect(page.events.map((e) => e.type)).toEqual(['urged']);
      expect(Date.now() - t).toBeLessThan(5_000);

      // The edge's loop long-polls for its whole interval (20 s here), yet the city's next decision arrives at once.
      sync.start(20_000);
      try {
        await until(() => sync.status().link === 'up' && h.node.services.store.get(id)?.urges.length === 1);
        await sleep(500); // the loop is now holding its long poll
        t = Date.now();
        await central.log.append(id, [{ type: 'urged', payload: { comment: '再次督办', level: 'high' } }], {
          userId: 'city-lead',
          role: 'shift_lead',
        });
        await until(() => h.node.services.store.get(id)?.urges.length === 2);
        expect(Date.now() - t).toBeLessThan(5_000);
      } finally {
        await sync.stop();
      }
      await expectConverged([id]);
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

        // The same (origin, seq) under a new id, and two claims of one fresh seq inside one batch: refused, alarmed.
        const reused = { ...reported, id: '01900000-0000-7000-8000-0000000000aa' };
        expect((await push(token, { v: 1, origin: 'district:320481', events: [reused] })).status).toBe(409);
        const twin = (n: string) => ({ ...reported, id: `01900000-0000-7000-8000-0000000000${n}`, seq: 888_888 });
        const inBatch = await push(token, { v: 1, origin: 'district:320481', events: [twin('b1'), twin('b2')] });
        expect(inBatch.status).toBe(409);
        const ids = (await central.db.select().from(integrityAlarms)).map((a) => a.eventId);
        expect(ids).toEqual(expect.arrayContaining([reused.id, twin('b2').id]));
      });

      it('a replayed batch is a no-op: same ack, nothing stored twice, no projection change', async () => {
        const id = await newCase('s-6');
        await step('operator', id, 'file');
        await sync.syncOnce();
        const batch = { v: 1, origin: 'district:320481', events: eventsOf(id) };
        const before = canonicalJson(await central.log.get(id));
        const first = (await (await push(token, batch)).json()) as { acked: number };
        const again = await push(token, { ...batch, events: [...batch.events, ...batch.events] });
        expect(again.status).toBe(200);
        expect(((await again.json()) as { acked: number }).acked).toBe(first.acked);
        expect(canonicalJson(await central.log.get(id))).toBe(before);
        expect((await central.log.events(id)).length).toBe(2);
      });

      it('blob batches: each blob verified against its hash (one bad blob refuses all, nothing stored), idempotent', async () => {
        const a = Buffer.from('blob batch a');
        const b = Buffer.from('blob batch b');
        const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
        const post = (body: Buffer, type = BLOB_BATCH_MEDIA_TYPE) =>
          central.app.request('/sync/v1/blobs/batch', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': type },
            body: new Uint8Array(body),
          });
        const stored = async () =>
          (
            await central.db
              .select({ sha256: centralBlobs.sha256 })
              .from(centralBlobs)
              .where(sql`${centralBlobs.sha256} IN (${sha(a)}, ${sha(b)})`)
          ).length;
        const lying = encodeBlobBatch([
          { sha256: sha(a), mime: 'image/jpeg', bytes: a },
          { sha256: sha(a), mime: 'image/jpeg', bytes: b },
        ]);
        const refused = await post(lying);
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/blobs\[1\]/);
        expect(await stored()).toBe(0);
        expect((await post(Buffer.from('xx'))).status).toBe(400);
        const good = encodeBlobBatch([
          { sha256: sha(a), mime: 'image/jpeg', bytes: a },
          { sha256: sha(b), mime: 'image/png', bytes: b },
        ]);
        expect((await post(good, 'application/json')).status).toBe(400);
        const first = await post(good);
        expect(first.status).toBe(201);
        expect(await first.json()).toEqual({ v: 1, created: 2, stored: 2 });
        const again = await post(good);
        expect(again.status).toBe(200);
        expect(await again.json()).toEqual({ v: 1, created: 0, stored: 2 });
        expect(await stored()).toBe(2);
      });

      it('malformed, oversized-batch and wrong-version messages get a clear 4xx', async () => {
        const bad = [
          [{ v: 2, origin: 'district:320481', events: [] }, /version/],
          [{ v: 1, origin: 'district:320481', events: [] }, /at least one event/],
          [{ v: 1, origin: 'district:320481', events: Array.from({ length: 10_001 }, () => ({})) }, /at most 10000/],
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
