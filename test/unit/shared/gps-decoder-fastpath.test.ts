import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wanmiPositionFastPath, wanmiPositionV1 } from '../../../shared/mqtt/index.js';

// The Wanmi position decoder checks the common payload by hand before falling back to the zod schema. Whatever the
// fast path accepts, the schema must accept unchanged; what it declines, the schema decides.

const num = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -2000, max: 25_000 }),
  fc.integer({ min: -500, max: 500 }),
  fc.constantFrom(0, -0, 90, 90.0000001, -180, 180.5, 300, 300.1, 360, 361, 255, 256, 1.5),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const payload = fc.record(
  {
    ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 53 }), fc.double(), fc.constant('2026-05-12T08:30:00+08:00')),
    lat: num,
    lon: num,
    speed: maybe(num),
    heading: maybe(num),
    acc: maybe(num),
    alt: maybe(num),
    sats: maybe(num),
    ignition: maybe(fc.oneof(fc.boolean(), fc.constant(1), fc.constant('true'))),
    extra: maybe(fc.string()),
  },
  { requiredKeys: [] },
);

describe('wanmi position fast path', () => {
  it('accepts only what the schema accepts, with the same output', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const obj = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
        const fast = wanmiPositionFastPath(obj);
        if (fast === undefined) return;
        const slow = wanmiPositionV1.safeParse(obj);
        expect(slow.success, JSON.stringify(obj)).toBe(true);
        expect(fast).toEqual(slow.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the everyday payload', () => {
    const p = { ts: 1778545800000, lat: 31.4271, lon: 119.4843, speed: 36.5, heading: 87, acc: 4, alt: 9, sats: 14 };
    expect(wanmiPositionFastPath(p)).toEqual(p);
    expect(wanmiPositionFastPath({ ...p, ignition: false })).toBeDefined();
    expect(wanmiPositionFastPath({ ...p, speedKmh: 3 })).toBeUndefined();
    expect(wanmiPositionFastPath({ ...p, ts: '2026-05-12T08:30:00+08:00' })).toBeUndefined();
  });
});
