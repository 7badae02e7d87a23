import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseEvent, CaseEventType } from '../../../shared/case/events.js';
import { validateEvent } from '../../../shared/case/events.js';
import { foldCase } from '../../../shared/case/fold.js';
import type { Role } from '../../../shared/case/roles.js';
import { CaseScenario, limits } from '../../support/case-scenario.js';

const RUNS = 500;

interface Action {
  city: boolean;
  type: CaseEventType;
  provisional: boolean;
  pick: number;
  flag: boolean;
  role: Role;
  toggleLink: boolean;
  after: number;
}

const types: CaseEventType[] = [
  'accepted',
  'verification_requested',
  'verification_recorded',
  'filed',
  'rejected',
  'dispatched',
  'signed',
  'handled',
  'check_requested',
  'check_recorded',
  'reworked',
  'closed',
  'special_requested',
  'special_decided',
  'resumed',
  'restored',
  'urged',
  'provisional_confirmed',
  'provisional_overruled',
];
const ops = ['return', 'extension', 'postpone', 'void', 'ledger'] as const;
const roleList: Role[] = ['operator', 'shift_lead', 'dispatcher', 'handler', 'collector', 'leader'];

const action: fc.Arbitrary<Action> = fc.record({
  city: fc.boolean(),
  // Bias towards the main loop so that generated cases get far, not stuck at the first conflict.
  type: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...types.slice(0, 12)) },
    { weight: 2, arbitrary: fc.constantFrom(...types) },
  ),
  provisional: fc.boolean(),
  pick: fc.nat(1000),
  flag: fc.boolean(),
  role: fc.constantFrom(...roleList),
  toggleLink: fc.boolean(),
  after: fc.integer({ min: 0, max: 600 }),
});

function payloadFor(a: Action, s: CaseScenario): Record<string, unknown> {
  const pickEvent = (pred: (e: CaseEvent) => boolean) => {
    const xs = s.events.filter(pred);
    return xs.length ? xs[a.pick % xs.length]?.id : '018f3a2b-0000-7000-8000-000000000000';
  };
  switch (a.type) {
    case 'verification_requested':
    case 'check_requested':
      return { collectorId: 'c1', ...(a.flag ? { limit: limits.urgent } : {}) };
    case 'verification_recorded':
      return { result: a.flag ? 'confirmed' : 'not_found', photos: [] };
    case 'filed':
      return {
        caseNumber: `320481-20260302-${String(a.pick).padStart(5, '0')}`,
        ...(a.flag ? { limit: limits.dispatch } : {}),
      };
    case 'rejected':
    case 'reworked':
      return { reason: 'r' };
    case 'dispatched':
      return { departmentId: `d${a.pick % 3}`, limit: limits.handle };
    case 'handled':
      return { result: 'ok', photos: [] };
    case 'check_recorded':
      return { passed: a.flag, photos: [] };
    case 'special_requested':
      return {
        op: ops[a.pick % ops.length],
        reason: 'r',
        ...(a.flag ? { extra: { amount: 1, unit: 'working_days' } } : {}),
      };
    case 'special_decided':
      return { requestId: pickEvent((e) => e.type === 'special_requested'), approved: a.flag };
    case 'urged':
      return { comment: 'c' };
    case 'provisional_confirmed':
      return { eventIds: [pickEvent((e) => e.provisional === true)] };
    case 'provisional_overruled':
      return { eventId: pickEvent((e) => e.provisional === true), reason: 'r' };
    default:
      return {};
  }
}

/** The natural next step for a status, so that random logs also reach the deep end of the loop. */
const nextStep: Partial<Record<string, CaseEventType[]>> = {
  reported: ['accepted', 'verification_requested', 'filed'],
  accepted: ['filed', 'verification_requested'],
  verifying: ['verification_recorded'],
  verified: ['filed'],
  filed: ['dispatched', 'dispatched', 'special_requested'],
  dispatched: ['signed', 'signed', 'special_requested'],
  handling: ['handled', 'handled', 'handled', 'special_requested', 'special_decided'],
  handled: ['check_requested'],
  checking: ['check_recorded'],
  check_failed: ['reworked'],
  checked: ['closed'],
  postponed: ['resumed'],
  ledgered: ['restored'],
};
const commandTypes = new Set<CaseEventType>([
  'dispatched',
  'signed',
  'handled',
  'resumed',
  'restored',
  'special_decided',
]);

/** A realistic-but-random case log: two nodes, partitions, provisional steps, wrong roles, bad orders. */
const scenario = fc.array(action, { minLength: 0, maxLength: 40 }).map((actions) => {
  const s = new CaseScenario();
  s.report({ limit: limits.urgent });
  for (const a of actions) {
    if (a.pick % 5 !== 0) {
      const options = nextStep[foldCase(s.events).status];
      if (options) {
        a.type = options[a.pick % options.length] ?? a.type;
        a.city = commandTypes.has(a.type) ? a.pick % 7 === 0 : a.pick % 5 !== 0;
        if (a.type === 'special_decided') a.role = 'dispatcher';
      }
    }
    if (a.toggleLink && a.pick % 4 === 0) a.flag ? s.partition() : s.heal();
    const payload = payloadFor(a, s);
    const origin = a.city ? 'city:320400' : 'district:320481';
    s.emit(origin, a.type, payload, { provisional: a.provisional && !a.city, role: a.role, after: a.after });
  }
  return s.events;
});

function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('the case fold (property-based)', () => {
  it('gives the same state, byte for byte, for any permutation of the same events', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (events, seed) => {
        const expected = JSON.stringify(foldCase(events));
        expect(JSON.stringify(foldCase(shuffle(events, mulberry32(seed))))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same state for any partition of the events into nodes that later merge (with overlaps and replays)', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), fc.integer({ min: 1, max: 4 }), (events, seed, parts) => {
        const rnd = mulberry32(seed);
        const groups: CaseEvent[][] = Array.from({ length: parts }, () => []);
        for (const e of events) {
          groups[Math.floor(rnd() * parts)]?.push(e);
          if (rnd() < 0.3) groups[Math.floor(rnd() * parts)]?.push(structuredClone(e)); // replayed copy
        }
        const merged = groups.flatMap((g) => shuffle(g, rnd));
        expect(JSON.stringify(foldCase(merged))).toBe(JSON.stringify(foldCase(events)));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same state whatever the key order inside stored events (PostgreSQL jsonb reorders keys)', () => {
    const reorder = (v: unknown, flip: boolean): unknown => {
      if (Array.isArray(v)) return v.map((x) => reorder(x, flip));
      if (v && typeof v === 'object') {
        const keys = Object.keys(v).sort();
        if (flip) keys.reverse();
        return Object.fromEntries(keys.map((k) => [k, reorder((v as Record<string, unknown>)[k], flip)]));
      }
      return v;
    };
    fc.assert(
      fc.property(scenario, fc.boolean(), (events, flip) => {
        expect(JSON.stringify(foldCase(events.map((e) => reorder(e, flip))))).toBe(JSON.stringify(foldCase(events)));
      }),
      { numRuns: RUNS },
    );
  });

  it('accounts for every event: applied in the timeline or listed as a conflict, never dropped', () => {
    fc.assert(
      fc.property(scenario, (events) => {
        const c = foldCase(events);
        const applied = c.timeline.filter((t) => t.outcome === 'applied').map((t) => t.eventId);
        const conflicted = new Set(c.conflicts.map((x) => x.eventId));
        for (const e of events) expect(applied.includes(e.id) || conflicted.has(e.id)).toBe(true);
        for (const t of c.timeline) if (t.outcome === 'conflict') expect(conflicted.has(t.eventId)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws, whatever it is fed (junk, mutated events, hostile objects)', () => {
    const mutated = scenario.chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(
              'id',
              'seq',
              'hlc',
              'type',
              'payload',
              'actor',
              'at',
              'deps',
              'v',
              'origin',
              'caseId',
              'provisional',
            ),
          ),
          { maxLength: 5 },
        ),
        fc.array(fc.anything(), { maxLength: 3 }),
      ),
    );
    fc.assert(
      fc.property(mutated, fc.array(fc.anything(), { maxLength: 5 }), ([events, edits, junk], extra) => {
        const copy = events.map((e) => structuredClone(e) as Record<string, unknown>);
        edits.forEach(([i, key], n) => {
          const target = copy[i % Math.max(1, copy.length)];
          if (target) target[key] = junk[n % Math.max(1, junk.length)];
        });
        const input: unknown[] = [...copy, ...extra, null, undefined, 42, 'x', []];
        const c = foldCase(input);
        expect(Array.isArray(c.conflicts)).toBe(true);
        const invalid = input.filter((x) => !validateEvent(x).ok).length;
        expect(c.conflicts.filter((x) => x.kind === 'invalid').length).toBeGreaterThan(0);
        expect(c.conflicts.filter((x) => x.kind === 'invalid').length).toBeLessThanOrEqual(invalid);
      }),
      { numRuns: RUNS },
    );
  });

  it('survives objects whose getters throw', () => {
    const hostile = Object.defineProperty({}, 'id', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(() =>
      foldCase([
        hostile,
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('no');
            },
          },
        ),
      ]),
    ).not.toThrow();
  });
});

describe('duplicates and integrity', () => {
  it('the same event delivered twice is applied once', () => {
    const s = new CaseScenario();
    const r = s.report();
    const c = foldCase([r, structuredClone(r), r]);
    expect(c.timeline).toHaveLength(1);
    expect(c.conflicts).toEqual([]);
  });

  it('one id with two different contents is an integrity conflict, resolved the same way in any order', () => {
    const s = new CaseScenario();
    const r = s.report();
    const forged = { ...structuredClone(r), payload: { ...r.payload, description: 'forged' } };
    const a = foldCase([r, forged]);
    const b = foldCase([forged, r]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.conflicts).toEqual([expect.objectContaining({ eventId: r.id, kind: 'integrity' })]);
  });

  it('two events claiming the same (origin, seq) are an integrity conflict', () => {
    const s = new CaseScenario();
    s.report();
    const u = s.city('urged', { comment: 'a' });
    const clash = { ...structuredClone(u), id: '018f3a2b-0000-7000-8000-0000000000ff' };
    const c = foldCase([...s.events, clash]);
    expect(c.conflicts.filter((x) => x.kind === 'integrity')).toHaveLength(1);
  });

  it('an invalid event is listed with the field and the rule it broke', () => {
    const s = new CaseScenario();
    s.report();
    const bad = {
      ...structuredClone(s.city('dispatched', { departmentId: 'd1', limit: limits.handle })),
      payload: { departmentId: 'd1', limit: { amount: -1, unit: 'working_days' } },
    };
    const c = foldCase([s.events[0], bad]);
    expect(c.conflicts[0]?.reason).toMatch(/payload\.limit\.amount: must be greater than 0/);
  });
});
