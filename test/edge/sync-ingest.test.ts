import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../edge/cases/case.store.js';
import { openEdgeDb } from '../../edge/db/open.js';
import { DomainError } from '../../edge/errors.js';
import { defaultFoldConfig } from '../../shared/case/config.js';
import type { CaseEvent } from '../../shared/case/events.js';
import { foldCase } from '../../shared/case/fold.js';
import { parseWorkingCalendar } from '../../shared/clock/index.js';
import { HybridLogicalClock } from '../../shared/identity/hlc.js';
import { dayDigests } from '../../shared/sync/digest.js';
import { CaseScenario, limits } from '../support/case-scenario.js';

const calendar = parseWorkingCalendar({});
const dirs: string[] = [];
const system = { actor: { userId: 'sync', role: 'system' as const } };

function store(origin: string) {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-sync-'));
  dirs.push(dir);
  const db = openEdgeDb(join(dir, 'edge.db'));
  return {
    db,
    store: new CaseStore({
      db,
      origin,
      hlc: new HybridLogicalClock(),
      foldConfig: defaultFoldConfig,
      calendar,
      now: () => Date.parse('2026-03-02T12:00:00+08:00'),
    }),
  };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A case worked on by the district and the city, with a partition in the middle (concurrent decisions). */
function twoNodeCase(): CaseEvent[] {
  const s = new CaseScenario();
  s.report({ limit: limits.urgent });
  s.city('filed', { caseNumber: '320481-20260302-00001', limit: limits.dispatch });
  s.district('dispatched', { departmentId: 'd1', limit: limits.handle });
  s.district('signed', {});
  s.district('handled', { result: 'done', photos: [] });
  s.city('check_requested', { collectorId: 'c1' });
  s.partition();
  s.district('check_recorded', { passed: false, photos: [] }, { provisional: true });
  s.city('check_recorded', { passed: true, photos: [] });
  s.city('closed', {});
  s.heal();
  return s.events;
}

/** Fisher–Yates with a linear congruential generator: the same seed, the same order. */
function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let x = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const projection = (db: ReturnType<typeof store>['db'], id: string) =>
  db.$client.prepare('SELECT state, event_count FROM cases WHERE id = ?').get(id);

describe('ingesting events from other origins (sync pull)', () => {
  it('applies the city’s events, refolds the case and agrees with the fold; a replay is a no-op', () => {
    const events = twoNodeCase();
    const caseId = events[0]?.caseId ?? '';
    const district = store('district:320481');
    const own = events.filter((e) => e.origin === 'district:320481');
    // The district's own events are already in its store (written locally); the city's arrive by pull.
    district.db.$client.transaction(() => {
      for (const e of own) {
        district.db.$client
          .prepare(
            'INSERT INTO events (id, case_id, origin, seq, hlc, type, at, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(e.id, e.caseId, e.origin, e.seq, e.hlc, e.type, e.at, JSON.stringify(e), e.at);
      }
    })();
    const cityEvents = events.filter((e) => e.origin === 'city:320400');
    const first = district.store.ingest(cityEvents, system);
    expect(first).toEqual({ applied: cityEvents.length, duplicates: 0, caseIds: [caseId] });
    const state = district.store.get(caseId);
    expect(state?.status).toBe('closed');
    expect(state?.conflicts.map((c) => c.kind)).toEqual(['superseded']);
    expect((projection(district.db, caseId) as { state: string }).state).toBe(JSON.stringify(foldCase(events)));
    expect(district.store.ingest(cityEvents, system)).toEqual({
      applied: 0,
      duplicates: cityEvents.length,
      caseIds: [],
    });
    expect(() => district.store.ingest(own, system)).toThrow(/our own origin/);
  });

  it('two stores receiving the same events in any batches and order hold the same projections and digests', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 5 }), (seed, batches) => {
        const events = twoNodeCase();
        const caseId = events[0]?.caseId ?? '';
        const a = store('city:320499');
        const b = store('city:320498');
        a.store.ingest(events, system);
        const shuffled = shuffle(events, seed);
        const size = Math.ceil(shuffled.length / batches);
        for (let i = 0; i < shuffled.length; i += size) b.store.ingest(shuffled.slice(i, i + size), system);
        b.store.ingest(shuffled.slice(0, 3), system); // a replayed batch
        expect(projection(b.db, caseId)).toEqual(projection(a.db, caseId));
        const stored = (db: typeof a.db) =>
          db.$client.prepare('SELECT id, hlc FROM events').all() as { id: string; hlc: string }[];
        expect(dayDigests(stored(b.db))).toEqual(dayDigests(stored(a.db)));
        expect((projection(a.db, caseId) as { state: string }).state).toBe(JSON.stringify(foldCase(events)));
        a.db.$client.close();
        b.db.$client.close();
      }),
      { numRuns: 25 },
    );
  });

  it('the same id with other content is refused whole: nothing of the batch is stored', () => {
    const events = twoNodeCase();
    const { db, store: s } = store('city:320499');
    s.ingest(events.slice(0, 3), system);
    const forged = { ...events[1], payload: { caseNumber: '320481-20260302-09999' } };
    const before = db.$client.prepare('SELECT count(*) n FROM events').get();
    expect(() => s.ingest([events[3], forged], system)).toThrow(DomainError);
    expect(() => s.ingest([events[3], forged], system)).toThrow(/integrity/);
    expect(db.$client.prepare('SELECT count(*) n FROM events').get()).toEqual(before);
  });

  it('an invalid event names its index and the rule, and nothing is stored', () => {
    const { db, store: s } = store('city:320499');
    const events = twoNodeCase();
    expect(() => s.ingest([events[0], { ...events[1], seq: 0 }], system)).toThrow(/events\[1\]\.seq: must be ≥ 1/);
    expect(db.$client.prepare('SELECT count(*) n FROM events').get()).toEqual({ n: 0 });
  });
});
