import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodeOptions,
  type DecodeResult,
  decodeFailureReasons,
  owntracksDecoder,
  resolveDecodeOptions,
  wanmiPositionDecoder,
} from '../../../shared/mqtt/index.js';
import { decodedProblems } from '../../fixtures/gps/invariants.js';

const RUNS = 1000;
const now = Date.parse('2026-05-12T08:30:00+08:00');
const phone = { user: 'zhangwei', device: 'pixel7' };
const truck = { district: '320481', vehicleId: 'muck-0142' };

/** A result is well formed, and if accepted, every message passes the invariants. */
function sound(result: DecodeResult, receivedAt: number, options: DecodeOptions = {}): void {
  if (!result.ok) {
    expect(decodeFailureReasons).toContain(result.reason);
    expect(typeof result.detail).toBe('string');
    expect(result.detail.length).toBeLessThanOrEqual(200);
    return;
  }
  expect(result.messages.length).toBeGreaterThan(0);
  const o = resolveDecodeOptions(options);
  for (const m of result.messages) expect(decodedProblems(m, receivedAt, o), JSON.stringify(m)).toEqual([]);
}

// Numbers a device might plausibly or implausibly send, including the values that break naive decoders.
const anyNumberish = fc.oneof(
  fc.double(),
  fc.double({ min: -200, max: 400, noNaN: true }),
  fc.integer({ min: -1, max: 400 }),
  fc.constantFrom(
    0,
    -0,
    90,
    -90,
    180,
    -180,
    360,
    300,
    Number.POSITIVE_INFINITY,
    'NaN',
    'Infinity',
    '-inf',
    '31.4',
    '',
    null,
    true,
  ),
  fc.string({ maxLength: 12 }),
);
/** Mostly a valid value, sometimes a hostile one: so that both acceptances and rejections are explored. */
const mostly = (valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown> = anyNumberish) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostile, weight: 1 });
const lat = mostly(fc.double({ min: -90, max: 90, noNaN: true }));
const lon = mostly(fc.double({ min: -180, max: 180, noNaN: true }));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const nearNowMs = fc.integer({ min: now - 10 * 86_400_000, max: now + 86_400_000 });

const wanmiLike = fc.record(
  {
    ts: mostly(
      fc.oneof(
        nearNowMs,
        nearNowMs.map((t) => new Date(t).toISOString()),
      ),
    ),
    lat,
    lon,
    speed: optional(mostly(fc.double({ min: 0, max: 300, noNaN: true }))),
    heading: optional(mostly(fc.double({ min: 0, max: 360, noNaN: true }))),
    acc: optional(mostly(fc.double({ min: 0, max: 500, noNaN: true }))),
    alt: optional(mostly(fc.double({ min: -1000, max: 20_000, noNaN: true }))),
    sats: optional(mostly(fc.nat(40))),
    ignition: optional(mostly(fc.boolean())),
  },
  { requiredKeys: ['ts', 'lat', 'lon'] },
);

const owntracksLike = fc.record(
  {
    _type: mostly(fc.constantFrom('location', 'lwt', 'transition'), fc.string({ maxLength: 10 })),
    lat,
    lon,
    tst: mostly(nearNowMs.map((t) => Math.floor(t / 1000))),
    wtst: optional(mostly(fc.integer({ min: 0, max: 2 ** 32 }))),
    event: optional(mostly(fc.constantFrom('enter', 'leave'), fc.string({ maxLength: 6 }))),
    vel: optional(mostly(fc.integer({ min: 0, max: 300 }))),
    cog: optional(mostly(fc.integer({ min: 0, max: 360 }))),
    acc: optional(mostly(fc.integer({ min: 0, max: 500 }))),
    alt: optional(mostly(fc.integer({ min: -100, max: 5000 }))),
    batt: optional(mostly(fc.integer({ min: 0, max: 100 }))),
    bs: optional(mostly(fc.integer({ min: 0, max: 3 }))),
    desc: optional(fc.string({ maxLength: 20 })),
    inregions: optional(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 })),
    junk: optional(fc.jsonValue({ maxDepth: 3 })),
  },
  { requiredKeys: ['_type', 'lat', 'lon', 'tst'] },
);

const options = fc.record({
  maxPayloadBytes: fc.integer({ min: 64, max: 8192 }),
  futureToleranceMs: fc.integer({ min: 0, max: 3_600_000 }),
  maxAgeMs: fc.integer({ min: 60_000, max: 30 * 86_400_000 }),
  rejectNullIsland: fc.boolean(),
});

const receivedAt = fc.oneof(fc.constant(now), fc.integer({ min: now - 86_400_000, max: now + 86_400_000 }));
const wildReceivedAt = fc.oneof(receivedAt, fc.double(), fc.constant(Number.NaN));

const wanmi = wanmiPositionDecoder();
const owntracks = owntracksDecoder();

describe('decoders never throw', () => {
  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), wildReceivedAt, (bytes, at) => {
        sound(wanmi(truck, bytes, at), at);
        sound(owntracks(phone, bytes, at), at);
      }),
      { numRuns: RUNS },
    );
  });

  it('on arbitrary strings, including unpaired surrogates', () => {
    const text = fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 2000 }));
    fc.assert(
      fc.property(text, wildReceivedAt, (s, at) => {
        sound(wanmi(truck, s, at), at);
        sound(owntracks(phone, s, at), at);
      }),
      { numRuns: RUNS },
    );
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), receivedAt, (v, at) => {
        const s = JSON.stringify(v) ?? 'null';
        sound(wanmi(truck, s, at), at);
        sound(owntracks(phone, s, at), at);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('whatever a decoder accepts satisfies the invariants', () => {
  it('Wanmi payloads with real field names and hostile values, under any options', () => {
    let accepted = 0;
    fc.assert(
      fc.property(wanmiLike, options, receivedAt, (p, o, at) => {
        const r = wanmiPositionDecoder(o)(truck, JSON.stringify(p), at);
        if (r.ok) accepted++;
        sound(r, at, o);
      }),
      { numRuns: RUNS },
    );
    expect(accepted, 'the generator reaches accepted payloads').toBeGreaterThan(RUNS / 10);
  });

  it('OwnTracks payloads with real element names and hostile values, under any options', () => {
    let accepted = 0;
    fc.assert(
      fc.property(owntracksLike, options, receivedAt, (p, o, at) => {
        const r = owntracksDecoder(o)(phone, JSON.stringify(p), at);
        if (r.ok) accepted++;
        sound(r, at, o);
      }),
      { numRuns: RUNS },
    );
    expect(accepted, 'the generator reaches accepted payloads').toBeGreaterThan(RUNS / 10);
  });
});

describe('unit conversion', () => {
  it('OwnTracks tst in seconds becomes ts in milliseconds, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: now / 1000 - 6 * 86_400, max: now / 1000 + 299 }), (tst) => {
        const r = owntracks(phone, JSON.stringify({ _type: 'location', lat: 31.4, lon: 119.4, tst }), now);
        expect(r).toMatchObject({ ok: true, messages: [{ ts: tst * 1000 }] });
      }),
      { numRuns: 500 },
    );
  });

  it('a Wanmi ts in epoch ms and the same instant in ISO 8601 (any zone) decode alike', () => {
    fc.assert(
      fc.property(nearNowMs, fc.integer({ min: -12 * 60, max: 14 * 60 }), (ms, offsetMin) => {
        const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, -1);
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const asMs = wanmi(truck, JSON.stringify({ ts: ms, lat: 31.4, lon: 119.4 }), now);
        const asIso = wanmi(truck, JSON.stringify({ ts: `${local}${zone}`, lat: 31.4, lon: 119.4 }), now);
        expect(asIso).toEqual(asMs);
      }),
      { numRuns: 500 },
    );
  });
});
