import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  decodeOwntracks,
  decodeWanmiPosition,
  owntracksDecoder,
  owntracksNumericFields,
  owntracksSchemas,
  wanmiPositionDecoder,
  wanmiPositionNumericFields,
  wanmiPositionV1,
} from '../../../shared/mqtt/index.js';
import { ValidationError } from '../../../shared/validation.js';

const receivedAt = Date.parse('2026-05-12T08:30:00+08:00');
const tst = receivedAt / 1000 - 2;
const phone = { user: 'zhangwei', device: 'pixel7' };
const truck = { district: '320481', vehicleId: 'muck-0142' };
const json = (v: unknown) => JSON.stringify(v);
const location = (extra: Record<string, unknown> = {}) =>
  json({ _type: 'location', lat: 31.427163, lon: 119.484301, tst, ...extra });
const position = (extra: Record<string, unknown> = {}) =>
  json({ ts: receivedAt - 1000, lat: 31.427105, lon: 119.484317, ...extra });

describe('OwnTracks decoder', () => {
  it('turns tst (epoch seconds) into ts (epoch milliseconds)', () => {
    const r = decodeOwntracks(phone, location(), receivedAt);
    expect(r).toMatchObject({ ok: true, messages: [{ kind: 'fix', ts: tst * 1000 }] });
  });

  it('keeps vel in km/h and renames the elements to the normalised fields', () => {
    const r = decodeOwntracks(phone, location({ vel: 23, cog: 272, acc: 4, alt: -3, batt: 47 }), receivedAt);
    expect(r).toEqual({
      ok: true,
      messages: [
        {
          kind: 'fix',
          deviceKey: 'owntracks:zhangwei/pixel7',
          ts: tst * 1000,
          lat: 31.427163,
          lon: 119.484301,
          speedKmh: 23,
          headingDeg: 272,
          accuracyM: 4,
          altM: -3,
          batteryPct: 47,
          source: 'owntracks',
        },
      ],
    });
  });

  it('takes the fix time from tst, not from created_at', () => {
    const r = decodeOwntracks(phone, location({ created_at: tst + 50 }), receivedAt);
    expect(r).toMatchObject({ ok: true, messages: [{ ts: tst * 1000 }] });
  });

  it('reads a last will as the device going offline now, keeping when it had connected', () => {
    const r = decodeOwntracks(phone, json({ _type: 'lwt', tst: tst - 86_400 }), receivedAt);
    expect(r).toEqual({
      ok: true,
      messages: [
        {
          kind: 'offline',
          deviceKey: 'owntracks:zhangwei/pixel7',
          ts: receivedAt,
          connectedAt: (tst - 86_400) * 1000,
          source: 'owntracks',
        },
      ],
    });
  });

  it('reads a transition whichever topic it came on (HTTP mode posts everything to one endpoint)', () => {
    const body = json({ _type: 'transition', event: 'leave', tst, wtst: 1_767_225_600, desc: 'grid-0107' });
    const r = decodeOwntracks(phone, body, receivedAt);
    expect(r).toEqual({
      ok: true,
      messages: [
        {
          kind: 'transition',
          deviceKey: 'owntracks:zhangwei/pixel7',
          ts: tst * 1000,
          event: 'leave',
          region: 'grid-0107',
          regionCreatedAt: 1_767_225_600_000,
          source: 'owntracks',
        },
      ],
    });
  });

  it('refuses a transition with a latitude but no longitude', () => {
    const body = json({ _type: 'transition', event: 'enter', tst, wtst: tst - 100, lat: 31.4 });
    expect(decodeOwntracks(phone, body, receivedAt)).toMatchObject({ ok: false, reason: 'schema' });
  });

  it('ignores text that happens to read "NaN" outside number fields', () => {
    expect(decodeOwntracks(phone, location({ tid: 'NaN', SSID: 'Infinity' }), receivedAt).ok).toBe(true);
  });

  it('treats every spelling of NaN and Infinity in a number field as non-finite', () => {
    for (const v of ['NaN', 'nan', 'Infinity', '-Infinity', '+inf', ' NaN ']) {
      expect(decodeOwntracks(phone, location({ vel: v }), receivedAt), v).toMatchObject({ reason: 'non_finite' });
    }
  });

  it('refuses other _types, naming the type', () => {
    const r = decodeOwntracks(phone, json({ _type: 'steps', steps: 1200 }), receivedAt);
    expect(r).toEqual({ ok: false, reason: 'wrong_type', detail: '_type "steps" is not location, lwt, transition' });
  });

  it('copies no __proto__ element into anything', () => {
    const r = decodeOwntracks(
      phone,
      '{"_type":"location","lat":31.4,"lon":119.4,"tst":1778545798,"__proto__":{"polluted":1}}',
      receivedAt,
    );
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Wanmi position decoder', () => {
  it('reads ts as epoch milliseconds or as ISO 8601 with zone, to the same instant', () => {
    const ms = decodeWanmiPosition(truck, position({ ts: receivedAt - 30_000 }), receivedAt);
    const cst = decodeWanmiPosition(truck, position({ ts: '2026-05-12T08:29:30+08:00' }), receivedAt);
    const utc = decodeWanmiPosition(truck, position({ ts: '2026-05-12T00:29:30.000Z' }), receivedAt);
    expect(ms).toMatchObject({ ok: true, messages: [{ ts: receivedAt - 30_000 }] });
    expect(cst).toEqual(ms);
    expect(utc).toEqual(ms);
  });

  it('takes speed as km/h (no conversion) and keys the fix by vehicle', () => {
    const r = decodeWanmiPosition(truck, position({ speed: 36.5, heading: 87, ignition: true, sats: 14 }), receivedAt);
    expect(r).toMatchObject({
      ok: true,
      messages: [
        { deviceKey: 'vehicle:muck-0142', speedKmh: 36.5, headingDeg: 87, ignition: true, sats: 14, source: 'wanmi' },
      ],
    });
  });

  it('refuses a local time without zone and a fractional millisecond count', () => {
    for (const ts of ['2026-05-12T08:29:30', '2026-05-12 08:29:30+08:00', 1_778_545_799_000.5]) {
      expect(decodeWanmiPosition(truck, position({ ts }), receivedAt), String(ts)).toMatchObject({ reason: 'schema' });
    }
  });

  it('says which field is missing or unknown', () => {
    expect(decodeWanmiPosition(truck, json({ ts: receivedAt, lon: 119.4 }), receivedAt)).toEqual({
      ok: false,
      reason: 'schema',
      detail: 'lat: is required',
    });
    expect(decodeWanmiPosition(truck, position({ speedKmh: 3 }), receivedAt)).toMatchObject({
      reason: 'schema',
      detail: '(root): unknown field speedKmh',
    });
  });

  it('prefers a structural problem over a range problem in the same payload', () => {
    expect(decodeWanmiPosition(truck, position({ lat: 91, ignition: 'on' }), receivedAt)).toMatchObject({
      reason: 'schema',
    });
  });
});

describe('rules shared by both decoders', () => {
  const decoders = [
    ['wanmi', (p: string | Uint8Array, at = receivedAt) => decodeWanmiPosition(truck, p, at), position] as const,
    ['owntracks', (p: string | Uint8Array, at = receivedAt) => decodeOwntracks(phone, p, at), location] as const,
  ];

  it.each(decoders)('%s: checks the size before parsing, in UTF-8 bytes', (_name, decode) => {
    expect(decode('{'.repeat(5000))).toMatchObject({ reason: 'oversized' });
    expect(decode(new Uint8Array(4097).fill(0x7b))).toMatchObject({ reason: 'oversized' });
    // 1366 three-byte characters: under 4096 UTF-16 units, over 4096 bytes
    expect(decode(`"${'城'.repeat(1366)}"`)).toMatchObject({ reason: 'oversized' });
    expect(decode(`"${'城'.repeat(1364)}"`)).toMatchObject({ reason: 'wrong_type' });
  });

  it.each(decoders)('%s: accepts a UTF-8 byte-order mark, refuses invalid UTF-8', (_name, decode, payload) => {
    const body = new TextEncoder().encode(payload());
    expect(decode(new Uint8Array([0xef, 0xbb, 0xbf, ...body])).ok).toBe(true);
    expect(decode(new Uint8Array([...body.slice(0, 10), 0xc3, 0x28, ...body.slice(10)]))).toMatchObject({
      reason: 'malformed_json',
    });
  });

  it.each(decoders)('%s: the time window is inclusive at both ends', (_name, decode, payload) => {
    const at = (ts: number) => (_name === 'wanmi' ? payload({ ts }) : payload({ tst: ts / 1000 }));
    const base = receivedAt;
    expect(decode(at(base + 300_000)).ok).toBe(true);
    expect(decode(at(base + 301_000))).toMatchObject({ reason: 'far_future' });
    expect(decode(at(base - 7 * 86_400_000)).ok).toBe(true);
    expect(decode(at(base - 7 * 86_400_000 - 1000))).toMatchObject({ reason: 'too_old' });
  });

  it.each(decoders)('%s: refuses a receipt time that is not a finite number', (_name, decode, payload) => {
    for (const at of [Number.NaN, Number.POSITIVE_INFINITY, '1778545800000' as unknown as number]) {
      expect(decode(payload(), at)).toMatchObject({ ok: false, reason: 'non_finite' });
    }
  });

  it('refuses topic parameters that do not follow the topic rules instead of throwing', () => {
    expect(decodeWanmiPosition({ vehicleId: 'a/b' }, position(), receivedAt)).toMatchObject({ reason: 'schema' });
    expect(decodeOwntracks({ user: '', device: 'x' }, location(), receivedAt)).toMatchObject({ reason: 'schema' });
    expect(decodeOwntracks(undefined as never, location(), receivedAt)).toMatchObject({ reason: 'schema' });
  });

  it('refuses a payload that is neither bytes nor a string instead of throwing', () => {
    expect(decodeWanmiPosition(truck, { ts: 1 } as never, receivedAt)).toMatchObject({ reason: 'wrong_type' });
  });
});

describe('decoder options', () => {
  it('are checked once, when the decoder is built, naming the option', () => {
    expect(() => wanmiPositionDecoder({ maxPayloadBytes: 10 })).toThrow(ValidationError);
    expect(() => owntracksDecoder({ futureToleranceMs: -1 })).toThrow(/options\.futureToleranceMs/);
    expect(() => owntracksDecoder({ surprise: 1 } as never)).toThrow(ValidationError);
  });

  it('change the size cap, the time window and the 0,0 rule', () => {
    const small = wanmiPositionDecoder({ maxPayloadBytes: 64 });
    expect(small(truck, position({ speed: 36.5, heading: 87 }), receivedAt)).toMatchObject({ reason: 'oversized' });

    const strictClock = owntracksDecoder({ futureToleranceMs: 0, maxAgeMs: 60_000 });
    expect(strictClock(phone, location({ tst: receivedAt / 1000 + 1 }), receivedAt)).toMatchObject({
      reason: 'far_future',
    });
    expect(strictClock(phone, location({ tst: receivedAt / 1000 - 61 }), receivedAt)).toMatchObject({
      reason: 'too_old',
    });

    const zeroAllowed = wanmiPositionDecoder({ rejectNullIsland: false });
    expect(zeroAllowed(truck, position({ lat: 0, lon: 0 }), receivedAt).ok).toBe(true);
    expect(decodeWanmiPosition(truck, position({ lat: 0, lon: 0 }), receivedAt)).toMatchObject({
      reason: 'out_of_range',
    });
    expect(decodeWanmiPosition(truck, position({ lat: 0, lon: 119.4 }), receivedAt).ok).toBe(true);
  });
});

describe('the non-finite check', () => {
  type Prop = { type?: string; anyOf?: Prop[] };
  const numeric = (p: Prop): boolean => p.type === 'number' || p.type === 'integer' || (p.anyOf ?? []).some(numeric);
  const numberFields = (schema: z.ZodType) =>
    Object.entries((z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, Prop> }).properties)
      .filter(([, p]) => numeric(p))
      .map(([name]) => name)
      .sort();

  it('covers exactly the number fields of each schema', () => {
    expect([...wanmiPositionNumericFields].sort()).toEqual(numberFields(wanmiPositionV1));
    for (const [type, schema] of Object.entries(owntracksSchemas)) {
      expect([...owntracksNumericFields[type as keyof typeof owntracksSchemas]].sort(), type).toEqual(
        numberFields(schema),
      );
    }
  });
});
