import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseNumber, localDateKey, parseCaseNumber } from '../../../shared/identity/case-number.js';
import { formatHlc, HybridLogicalClock, parseHlc } from '../../../shared/identity/hlc.js';
import { idSchema, newId, uuidv7Time } from '../../../shared/identity/ids.js';
import { ValidationError } from '../../../shared/validation.js';

describe('UUIDv7 ids', () => {
  it('are valid, unique and carry their creation time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, newId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(idSchema.safeParse(id).success).toBe(true);
    const t = uuidv7Time(ids[0] ?? '');
    expect(t).toBeGreaterThanOrEqual(before - 1);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('rejects upper case, missing hyphens and junk with the rule', () => {
    for (const bad of ['018F3A2B-0000-7000-8000-000000000000', '018f3a2b000070008000000000000000', 'x', 42]) {
      const r = idSchema.safeParse(bad);
      expect(r.success).toBe(false);
    }
    expect(idSchema.safeParse('x').error?.issues[0]?.message).toBe('must be a lower-case hyphenated UUID');
  });
});

describe('hybrid logical clock', () => {
  it('string order is time order', () => {
    fc.assert(
      fc.property(fc.nat(4e12), fc.nat(99_999), fc.nat(4e12), fc.nat(99_999), (p1, l1, p2, l2) => {
        const a = formatHlc({ physical: p1, logical: l1 });
        const b = formatHlc({ physical: p2, logical: l2 });
        const byTime = p1 - p2 || l1 - l2;
        expect(Math.sign(a < b ? -1 : a > b ? 1 : 0)).toBe(Math.sign(byTime));
        expect(parseHlc(a)).toEqual({ physical: p1, logical: l1 });
      }),
      { numRuns: 500 },
    );
  });

  it('stays strictly monotonic when the wall clock jumps backwards', () => {
    let wall = 1_800_000_000_000;
    const clock = new HybridLogicalClock({ now: () => wall });
    const a = clock.tick();
    wall -= 3_600_000; // NTP step back by an hour
    const b = clock.tick();
    const c = clock.tick();
    expect(a < b && b < c).toBe(true);
  });

  it('every local event after receiving a remote stamp sorts after it, even from a peer whose clock runs ahead', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.integer({ min: -5_000, max: 86_400_000 }), fc.integer({ min: -2_000, max: 2_000 })),
          { maxLength: 50 },
        ),
        (steps) => {
          let wall = 1_800_000_000_000;
          const clock = new HybridLogicalClock({ now: () => wall, maxDriftMs: 60_000 });
          let last = clock.tick();
          for (const [remote, skew, advance] of steps) {
            wall += advance;
            if (remote) {
              const stamp = formatHlc({ physical: Math.max(0, wall + skew), logical: 7 });
              const r = clock.receive(stamp);
              expect(r.hlc > stamp).toBe(true);
              expect(r.excessive).toBe(skew > 60_000);
              last = r.hlc;
            } else {
              const t = clock.tick();
              expect(t > last).toBe(true);
              last = t;
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('survives logical counter overflow by borrowing a millisecond', () => {
    const clock = new HybridLogicalClock({ now: () => 1000, last: formatHlc({ physical: 1000, logical: 99_999 }) });
    expect(clock.tick()).toBe(formatHlc({ physical: 1001, logical: 0 }));
  });

  it('resumes after a restart from the last persisted stamp', () => {
    const clock = new HybridLogicalClock({ now: () => 5, last: formatHlc({ physical: 1_000, logical: 3 }) });
    expect(clock.tick()).toBe(formatHlc({ physical: 1_000, logical: 4 }));
  });

  it('rejects malformed stamps', () => {
    expect(() => parseHlc('12.3')).toThrow(/15-digit ms/);
  });
});

describe('case numbers <division>-<yyyymmdd>-<counter>', () => {
  it('format and parse round-trip', () => {
    const n = { division: '320481', date: '20261231', counter: 42 };
    expect(formatCaseNumber(n)).toBe('320481-20261231-00042');
    expect(parseCaseNumber('320481-20261231-00042')).toEqual(n);
    expect(parseCaseNumber('320481-20261231-123456').counter).toBe(123456);
  });

  it('use the city-local date: 23:30 UTC on Dec 31 is already New Year in Beijing', () => {
    expect(localDateKey(Date.parse('2026-12-31T23:30:00Z'))).toBe('20270101');
    expect(localDateKey(Date.parse('2026-12-31T15:59:59Z'))).toBe('20261231');
  });

  it('reject malformed numbers naming the field and the rule', () => {
    const cases: [unknown, RegExp][] = [
      ['32048-20261231-00001', /6-digit division/],
      ['320481-20260230-00001', /not a real date/],
      ['320481-20261231-00000', /counter must be ≥ 1/],
      [17, /must be a string/],
    ];
    for (const [input, rule] of cases) {
      try {
        parseCaseNumber(input);
        expect.unreachable(`accepted ${String(input)}`);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe('caseNumber');
        expect((err as ValidationError).message).toMatch(rule);
      }
    }
    expect(() => formatCaseNumber({ division: '3204', date: '20260101', counter: 1 })).toThrow(/caseNumber.division/);
  });
});
