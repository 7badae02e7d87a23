import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanWanmiPosition, wanmiPositionDecoder, wanmiPositionFastPath } from '../../shared/mqtt/index.js';

// The Wanmi position decoder scans the everyday payload in one pass (shared/mqtt/decoders/flat-position.ts) before
// falling back to JSON.parse and the schema. Whatever the scan accepts must be exactly what JSON.parse + the hand
// check give (same numbers, bit for bit, -0 included), and the decoder's answer must not depend on the fast lane.

const keys = ['ts', 'lat', 'lon', 'speed', 'heading', 'acc', 'alt', 'sats', 'ignition'] as const;

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -400, max: 25_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -200, max: 200 }).map((v) => v.toFixed(6)),
  fc.integer({ min: -500, max: 500 }).map(String),
  fc.integer({ min: 0, max: 2 ** 53 + 10 }).map(String),
  fc.integer({ min: 0, max: 2 ** 50 }).map((v) => `${v}.0`),
  fc.constantFrom(
    '0',
    '-0',
    '-0.0',
    '0.1',
    '00',
    '01.5',
    '1.',
    '.5',
    '-',
    '1e2',
    '1E-2',
    '1e999',
    '-1e999',
    '31.4271000000000001',
    '119.123456789012345',
    '90.0000001',
    '360',
    '361',
    '255',
    '256',
    '12.5',
    '1778545800000',
    '1778545800000.5',
    '9007199254740993',
    '+1',
    'NaN',
    'Infinity',
  ),
);
const valueText = fc.oneof(
  { weight: 6, arbitrary: numberText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', '"NaN"', '"x"', '[]', '{}', 'tru', '"12"') },
  { weight: 1, arbitrary: fc.constant('"2026-05-12T08:30:00+08:00"') },
);
const keyText = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...keys).map((k) => JSON.stringify(k)) },
  { weight: 1, arbitrary: fc.constantFrom('"speedKmh"', '"t\\u0073"', '"lat "', '"LAT"', '""', 'lat', '"extra"') },
);
const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ', '\u00a0', '\ufeff');
const entry = fc.tuple(ws, keyText, ws, valueText, ws).map(([a, k, b, v, c]) => `${a}${k}${b}:${v}${c}`);
// Formats of one in-range value as a device might print it.
const inRange = (min: number, max: number) =>
  fc.oneof(
    fc.double({ noNaN: true, min, max }).map(String),
    fc.double({ noNaN: true, min, max }).chain((v) => fc.integer({ min: 0, max: 9 }).map((d) => v.toFixed(d))),
    fc.integer({ min: Math.ceil(min), max: Math.floor(max) }).map(String),
    fc
      .tuple(fc.integer({ min: Math.ceil(min * 1e4), max: Math.floor(max * 1e4) }), fc.integer({ min: 0, max: 8 }))
      .map(([v, d]) => (v / 1e4).toFixed(d)),
    fc
      .tuple(fc.integer({ min: Math.ceil(min * 1e4), max: Math.floor(max * 1e4) }), fc.integer({ min: 0, max: 8 }))
      .map(([v, d]) => (v / 1e4).toFixed(d)),
  );
const jsonWs = fc.constantFrom('', '', '', ' ', '\n', '  ');
const optional: Record<string, fc.Arbitrary<string>> = {
  speed: inRange(-1, 301),
  heading: inRange(-1, 361),
  acc: inRange(-1, 1e6),
  alt: inRange(-1001, 20_001),
  sats: fc.oneof(fc.integer({ min: -1, max: 256 }).map(String), inRange(0, 255)),
  ignition: fc.constantFrom('true', 'false'),
};
const everyday = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map(String) },
      { weight: 1, arbitrary: numberText },
    ),
    inRange(-90.5, 90.5),
    inRange(-180.5, 180.5),
    fc
      .subarray(Object.keys(optional))
      .chain((ks) =>
        fc
          .tuple(...ks.map((k) => optional[k] as fc.Arbitrary<string>))
          .map((vs) => ks.map((k, i) => [k, vs[i] as string] as const)),
      ),
    jsonWs,
    jsonWs,
  )
  .chain(([ts, lat, lon, rest, a, b]) =>
    fc
      .shuffledSubarray([['ts', ts] as const, ['lat', lat] as const, ['lon', lon] as const, ...rest], {
        minLength: 2 + rest.length,
      })
      .map((es) => `${a}{${es.map(([k, v]) => `${a}"${k}"${b}:${a}${v}`).join(`,${b}`)}${b}}${a}`),
  );
const text = fc.oneof(
  { weight: 6, arbitrary: everyday },
  // Plausible payloads: the required keys, then any others (repeats possible).
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        ws,
        fc.array(entry, { minLength: 0, maxLength: 8 }),
        numberText,
        numberText,
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        ws,
        fc.constantFrom('', '', ',', 'x', '}'),
      )
      .map(
        ([a, rest, lat, lon, ts, b, tail]) =>
          `${a}{${[`"ts":${ts}`, `"lat":${lat}`, `"lon":${lon}`, ...rest].join(',')}}${b}${tail}`,
      ),
  },
  // Anything built from the pieces.
  {
    weight: 2,
    arbitrary: fc
      .tuple(ws, fc.array(entry, { maxLength: 10 }), ws, fc.constantFrom(',', ',', ';'))
      .map(([a, es, b, sep]) => `${a}{${es.join(sep)}}${b}`),
  },
  // Noise.
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom(...'{}":,.-0123456789 tslaone'.split('')), maxLength: 60 }),
  },
);

function parsedOrUndefined(t: string): unknown {
  try {
    return JSON.parse(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
  } catch {
    return undefined;
  }
}

describe('wanmi position one-pass scan', () => {
  it('accepts only what JSON.parse and the hand check accept, with identical values', () => {
    fc.assert(
      fc.property(text, (t) => {
        const scanned = scanWanmiPosition(t);
        if (scanned === undefined) return;
        const obj = parsedOrUndefined(t);
        expect(obj, t).toBeTypeOf('object');
        const slow = wanmiPositionFastPath(obj as Record<string, unknown>);
        expect(slow, t).toBeDefined();
        // toEqual compares numbers with Object.is: -0 and 0 differ, so do two doubles one ulp apart.
        expect(scanned, t).toEqual(slow);
        expect(Object.keys(scanned).sort(), t).toEqual(Object.keys(slow as object).sort());
      }),
      { numRuns: 20_000 },
    );
  });

  it('the decoder answers the same with and without the fast lane', () => {
    const fast = wanmiPositionDecoder();
    const slow = wanmiPositionDecoder({}, { fastLane: false });
    const receivedAt = 1_800_000_000_000;
    fc.assert(
      fc.property(text, (t) => {
        const a = fast({ vehicleId: 'v1' }, t, receivedAt);
        const b = slow({ vehicleId: 'v1' }, t, receivedAt);
        expect(a, t).toEqual(b);
        if (a.ok && b.ok) expect(Object.keys(a.messages[0] ?? {}), t).toEqual(Object.keys(b.messages[0] ?? {}));
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the everyday payloads', () => {
    const p = '{"ts":1778545800000,"lat":31.427100,"lon":119.484300,"speed":28.5,"heading":90,"acc":4,"sats":12}';
    expect(scanWanmiPosition(p)).toEqual({
      ts: 1778545800000,
      lat: 31.4271,
      lon: 119.4843,
      speed: 28.5,
      heading: 90,
      acc: 4,
      sats: 12,
    });
    expect(scanWanmiPosition('{ "ts": 1778545800000, "lat": -0, "lon": 0.5, "ignition": false }')).toEqual({
      ts: 1778545800000,
      lat: -0,
      lon: 0.5,
      ignition: false,
    });
    // Declined (the full path decides and words the rejection): exponent, ISO time, unknown key, repeat, BOM.
    for (const t of [
      '{"ts":1778545800000,"lat":3.1e1,"lon":119}',
      '{"ts":"2026-05-12T08:30:00+08:00","lat":31,"lon":119}',
      '{"ts":1778545800000,"lat":31,"lon":119,"speedKmh":3}',
      '{"ts":1778545800000,"lat":31,"lat":32,"lon":119}',
      '\ufeff{"ts":1778545800000,"lat":31,"lon":119}',
    ]) {
      expect(scanWanmiPosition(t), t).toBeUndefined();
    }
  });
});
