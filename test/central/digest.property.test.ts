import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../shared/identity/hlc.js';
import { dayDigests, hlcDayBounds, mismatchedDays } from '../../shared/sync/digest.js';

const DAY0 = Date.parse('2026-03-01T00:00:00Z');
const eventArb = fc.record({
  id: fc.uuid(),
  physical: fc.integer({ min: DAY0, max: DAY0 + 6 * 86_400_000 }),
  logical: fc.integer({ min: 0, max: 99_999 }),
});
const toRows = (es: { id: string; physical: number; logical: number }[]) =>
  es.map((e) => ({ id: e.id, hlc: formatHlc({ physical: e.physical, logical: e.logical }) }));

/** The anti-entropy invariants: digests ignore arrival order, and a day differs exactly when its event sets differ. */
describe('per-day digests (anti-entropy)', () => {
  it('do not depend on the order events arrived in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(eventArb, { selector: (e) => e.id, maxLength: 60 }), fc.integer(), (es, seed) => {
        const rows = toRows(es);
        const shuffled = [...rows].sort(
          (a, b) => ((a.id.charCodeAt(seed & 7) ^ seed) % 7) - ((b.id.charCodeAt(seed & 7) ^ seed) % 7),
        );
        expect(dayDigests(shuffled)).toEqual(dayDigests(rows));
      }),
    );
  });

  it('name exactly the days where the two sides hold different events, symmetrically', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(eventArb, { selector: (e) => e.id, minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (es, keep) => {
          const all = toRows(es);
          const some = all.filter((_, i) => keep[i]);
          const a = dayDigests(all);
          const b = dayDigests(some);
          const lost = new Set(
            all
              .filter((_, i) => !keep[i])
              .map((r) => new Date(Number(r.hlc.slice(0, 15))).toISOString().slice(0, 10).replaceAll('-', '')),
          );
          expect(mismatchedDays(a, b)).toEqual([...lost].sort());
          expect(mismatchedDays(b, a)).toEqual(mismatchedDays(a, b));
          expect(mismatchedDays(a, a)).toEqual([]);
        },
      ),
    );
  });

  it('day bounds hold every HLC of that UTC day and none of the next', () => {
    fc.assert(
      fc.property(eventArb, (e) => {
        const hlc = formatHlc({ physical: e.physical, logical: e.logical });
        const day = new Date(e.physical).toISOString().slice(0, 10).replaceAll('-', '');
        const b = hlcDayBounds(day);
        expect(b && b.from <= hlc && hlc <= b.to).toBe(true);
        const next = hlcDayBounds(new Date(e.physical + 86_400_000).toISOString().slice(0, 10).replaceAll('-', ''));
        expect(next && hlc < next.from).toBe(true);
      }),
    );
    expect(hlcDayBounds('20260230')).toBeUndefined();
    expect(hlcDayBounds('2026-03-01')).toBeUndefined();
  });
});
