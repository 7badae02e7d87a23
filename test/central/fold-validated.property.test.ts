import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseEventType } from '../../shared/case/events.js';
import { validateEvent } from '../../shared/case/events.js';
import { canonicalJson, foldCase } from '../../shared/case/fold.js';
import type { Role } from '../../shared/case/roles.js';
import { CaseScenario, CITY, DISTRICT, limits } from '../support/case-scenario.js';

/**
 * Central folds events it validated once at ingest without re-running zod (shared/case/fold.ts `validated`, central
 * `events.checked`). Property: for any log — provisional steps, city decisions, overrules, replays, a reused id with
 * other content, invalid events — the fold with `validated` (on the stored form: JSON round trip, keys reordered as
 * PostgreSQL jsonb does) equals the plain fold.
 */
const RUNS = Number(process.env.WANMI_PROPERTY_RUNS ?? 150);

const steps: { type: CaseEventType; role: Role; payload: (n: number, ids: string[]) => Record<string, unknown> }[] = [
  {
    type: 'filed',
    role: 'operator',
    payload: (n) => ({ caseNumber: `320481-20260302-${String(n).padStart(5, '0')}` }),
  },
  { type: 'dispatched', role: 'dispatcher', payload: (n) => ({ departmentId: `d${n % 3}`, limit: limits.handle }) },
  { type: 'signed', role: 'handler', payload: () => ({}) },
  { type: 'handled', role: 'handler', payload: () => ({ result: 'ok', photos: [] }) },
  { type: 'rejected', role: 'shift_lead', payload: () => ({ reason: 'dup' }) },
  { type: 'closed', role: 'shift_lead', payload: () => ({}) },
  { type: 'urged', role: 'shift_lead', payload: () => ({ comment: 'c' }) },
  {
    type: 'provisional_confirmed',
    role: 'shift_lead',
    payload: (n, ids) => ({ eventIds: [ids[n % Math.max(1, ids.length)] ?? 'x'] }),
  },
  {
    type: 'provisional_overruled',
    role: 'shift_lead',
    payload: (n, ids) => ({ eventId: ids[n % Math.max(1, ids.length)] ?? 'x', reason: 'r' }),
  },
];

const log = fc
  .array(
    fc.record({
      step: fc.nat(steps.length - 1),
      city: fc.boolean(),
      provisional: fc.boolean(),
      n: fc.nat(1000),
      cut: fc.boolean(),
    }),
    { maxLength: 14 },
  )
  .map((actions) => {
    const s = new CaseScenario();
    s.report({ limit: limits.urgent });
    for (const a of actions) {
      if (a.cut) a.n % 2 === 0 ? s.partition() : s.heal();
      const step = steps[a.step] as (typeof steps)[number];
      const provisionalIds = s.events.filter((e) => e.provisional === true).map((e) => e.id);
      s.emit(a.city ? CITY : DISTRICT, step.type, step.payload(a.n, provisionalIds) as never, {
        role: step.role,
        provisional: a.provisional && !a.city,
      });
    }
    return s.events;
  });

/** JSON round trip with every object's keys in reverse order (as a store may hand them back). */
const stored = (v: unknown): unknown => {
  const walk = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(walk)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .reverse()
              .map((k) => [k, walk((x as Record<string, unknown>)[k])]),
          )
        : x;
  return walk(JSON.parse(JSON.stringify(v)));
};

describe('the fold with events validated at ingest (property-based)', () => {
  it('equals the fold that re-validates every event, whatever the log (replays, reused ids, invalid events)', () => {
    fc.assert(
      fc.property(log, fc.nat(), fc.boolean(), fc.boolean(), (events, pick, reuse, junk) => {
        const input: unknown[] = events.map(stored);
        const first = events[pick % events.length];
        if (first) input.push(stored(first)); // a replayed copy
        if (reuse && first) input.push({ ...(stored(first) as object), at: '2026-03-02T01:00:00Z' }); // same id, other content
        if (junk) input.push({ ...(stored(events.at(-1)) as object), id: 'not-a-uuid' }, { v: 1, nonsense: true });
        // Marked validated: what central marks `checked` — inputs that are a fixed point of validation.
        const validated = new WeakSet<object>();
        for (const x of input) {
          const r = validateEvent(x);
          if (r.ok && canonicalJson(r.event) === canonicalJson(x)) validated.add(x as object);
        }
        const plain = foldCase(input);
        const fast = foldCase(input, undefined, { validated });
        expect(canonicalJson(fast)).toBe(canonicalJson(plain));
      }),
      { numRuns: RUNS },
    );
  });
});
