import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alarmTypes,
  formatTopic,
  MAX_TOPIC_LENGTH,
  matchTopic,
  subscriptionsFor,
  type TopicName,
  topicNames,
  topics,
} from '../../../shared/mqtt/index.js';
import { ValidationError } from '../../../shared/validation.js';

const id64 = 'a'.repeat(64);

describe('matchTopic', () => {
  it.each([
    [
      'wanmi/v1/320481/vehicles/muck-0142/position',
      { name: 'vehiclePosition', params: { district: '320481', vehicleId: 'muck-0142' } },
    ],
    [
      `wanmi/v1/320481/vehicles/${id64}/position`,
      { name: 'vehiclePosition', params: { district: '320481', vehicleId: id64 } },
    ],
    ['owntracks/zhangwei/pixel7', { name: 'owntracksLocation', params: { user: 'zhangwei', device: 'pixel7' } }],
    ['owntracks/Zhang_Wei/Pixel-7', { name: 'owntracksLocation', params: { user: 'Zhang_Wei', device: 'Pixel-7' } }],
    ['owntracks/zhangwei/pixel7/event', { name: 'owntracksEvent', params: { user: 'zhangwei', device: 'pixel7' } }],
    ['owntracks/event/event', { name: 'owntracksLocation', params: { user: 'event', device: 'event' } }],
    ['wanmi/v1/320481/alarms/overspeed', { name: 'alarm', params: { district: '320481', type: 'overspeed' } }],
    ['wanmi/v1/320481/alarms/off_route', { name: 'alarm', params: { district: '320481', type: 'off_route' } }],
    ['wanmi/v1/320481/alarms/camera', { name: 'alarm', params: { district: '320481', type: 'camera' } }],
    [
      'wanmi/v1/320481/cases/019e1a2b-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
      { name: 'caseChange', params: { district: '320481', caseId: '019e1a2b-3c4d-7e5f-8a6b-7c8d9e0f1a2b' } },
    ],
    ['wanmi/v1/320481/status', { name: 'status', params: { district: '320481' } }],
  ])('%s is %o', (topic, expected) => {
    expect(matchTopic(topic)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['wanmi/v1/32048/vehicles/v1/position', 'a 5-digit district'],
    ['wanmi/v1/3204811/vehicles/v1/position', 'a 7-digit district'],
    ['wanmi/v1/32O481/status', 'a letter in the district'],
    ['wanmi/v2/320481/status', 'another version'],
    ['Wanmi/v1/320481/status', 'levels are case-sensitive'],
    ['wanmi/v1/320481/vehicles/+/position', 'a single-level wildcard'],
    ['wanmi/v1/320481/#', 'a multi-level wildcard'],
    ['owntracks/+/+', 'wildcards in OwnTracks levels'],
    ['wanmi/v1/320481/vehicles//position', 'an empty level'],
    ['/wanmi/v1/320481/status', 'a leading slash'],
    ['wanmi/v1/320481/status/', 'a trailing slash'],
    ['wanmi/v1/320481/vehicles/muck 0142/position', 'a space in an id'],
    ['wanmi/v1/320481/vehicles/苏D12345/position', 'non-ASCII in an id'],
    ['wanmi/v1/320481/vehicles/muck.0142/position', 'a dot in an id'],
    [`wanmi/v1/320481/vehicles/${id64}x/position`, 'a 65-character id'],
    ['wanmi/v1/320481/vehicles/muck-0142', 'a missing level'],
    ['wanmi/v1/320481/vehicles/muck-0142/position/extra', 'an extra level'],
    ['wanmi/v1/320481/alarms/fire', 'an unknown alarm type'],
    ['owntracks/zhangwei', 'OwnTracks without a device'],
    ['owntracks/zhangwei/pixel7/cmd', 'an OwnTracks sub-topic we do not read'],
    ['owntracks/zhangwei/pixel7/event/x', 'below the event sub-topic'],
    ['owntracks/zhang\u0000wei/pixel7', 'a NUL character'],
    [`owntracks/${'a'.repeat(MAX_TOPIC_LENGTH)}/x`, 'longer than the maximum'],
  ])('%s does not match (%s)', (topic) => {
    expect(matchTopic(topic)).toBeUndefined();
  });

  it('takes only strings', () => {
    for (const v of [undefined, null, 42, ['owntracks', 'a', 'b'], { toString: () => 'owntracks/a/b' }]) {
      expect(matchTopic(v)).toBeUndefined();
    }
  });

  it('never throws, and whatever it matches is short, wildcard-free and formats back to itself', () => {
    const level = fc.oneof(
      fc.constantFrom(
        'wanmi',
        'v1',
        'owntracks',
        'vehicles',
        'position',
        'alarms',
        'cases',
        'status',
        'event',
        '+',
        '#',
        '',
      ),
      fc.constantFrom('320481', '32048', ...alarmTypes),
      fc.string({ maxLength: 70 }),
    );
    const topic = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(level, { maxLength: 8 }).map((l) => l.join('/')),
    );
    fc.assert(
      fc.property(topic, (t) => {
        const m = matchTopic(t);
        if (m === undefined) return;
        expect(t.length).toBeLessThanOrEqual(MAX_TOPIC_LENGTH);
        expect(t).not.toMatch(/[+#]|\/\/|^\/|\/$/);
        expect(formatTopic(m.name, m.params as never)).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatTopic', () => {
  it('fills the parameters and round-trips through matchTopic', () => {
    const topic = formatTopic('vehiclePosition', { district: '320481', vehicleId: 'san-0007' });
    expect(topic).toBe('wanmi/v1/320481/vehicles/san-0007/position');
    expect(matchTopic(topic)).toEqual({
      name: 'vehiclePosition',
      params: { district: '320481', vehicleId: 'san-0007' },
    });
    expect(formatTopic('alarm', { district: '320481', type: 'offline' })).toBe('wanmi/v1/320481/alarms/offline');
    expect(formatTopic('status', { district: '320481' })).toBe('wanmi/v1/320481/status');
  });

  it('round-trips for any valid ids', () => {
    const district = fc.stringMatching(/^\d{6}$/);
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
    fc.assert(
      fc.property(district, id, id, fc.constantFrom(...alarmTypes), (d, a, b, type) => {
        const cases: [TopicName, Record<string, string>][] = [
          ['vehiclePosition', { district: d, vehicleId: a }],
          ['owntracksLocation', { user: a, device: b }],
          ['owntracksEvent', { user: a, device: b }],
          ['alarm', { district: d, type }],
          ['caseChange', { district: d, caseId: b }],
          ['status', { district: d }],
        ];
        for (const [name, params] of cases) {
          expect(matchTopic(formatTopic(name, params as never))).toEqual({ name, params });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a parameter that breaks its rule, naming it', () => {
    const cases: [() => string, string][] = [
      [() => formatTopic('vehiclePosition', { district: '32048', vehicleId: 'v1' }), 'params.district'],
      [() => formatTopic('vehiclePosition', { district: '320481', vehicleId: 'a/b' }), 'params.vehicleId'],
      [() => formatTopic('owntracksLocation', { user: '+', device: 'x' }), 'params.user'],
      [() => formatTopic('alarm', { district: '320481', type: 'fire' as never }), 'params.type'],
      [() => formatTopic('caseChange', { district: '320481', caseId: '' }), 'params.caseId'],
    ];
    for (const [call, field] of cases) {
      expect(call).toThrow(ValidationError);
      try {
        call();
      } catch (error) {
        expect((error as ValidationError).field).toBe(field);
      }
    }
  });
});

describe('subscriptionsFor', () => {
  it('subscribes to every device topic of the district at QoS 1, and to nothing the edge publishes', () => {
    expect(subscriptionsFor('320481')).toEqual([
      { topic: 'vehiclePosition', filter: 'wanmi/v1/320481/vehicles/+/position', qos: 1 },
      { topic: 'owntracksLocation', filter: 'owntracks/+/+', qos: 1 },
      { topic: 'owntracksEvent', filter: 'owntracks/+/+/event', qos: 1 },
    ]);
    const device = topicNames.filter((n) => topics[n].direction === 'device-to-edge');
    expect(subscriptionsFor('110105').map((s) => s.topic)).toEqual(device);
  });

  it('refuses a district that is not 6 digits', () => {
    for (const bad of ['', '32048', '3204810', '+', '#', '32048a']) {
      expect(() => subscriptionsFor(bad)).toThrow(ValidationError);
    }
  });
});

describe('the topic map', () => {
  it('gives every topic a direction, QoS 1, a description and at least one example', () => {
    for (const name of topicNames) {
      const t = topics[name];
      expect(t.qos, name).toBe(1);
      expect(t.description.length, name).toBeGreaterThan(40);
      expect(t.examples.length, name).toBeGreaterThan(0);
      expect('decoder' in t, `${name}: decoders are for device topics only`).toBe(t.direction === 'device-to-edge');
    }
    expect(topics.status).toMatchObject({ retained: true, lastWill: true, direction: 'edge-to-out' });
  });

  it('every example satisfies its topic schema', () => {
    for (const name of topicNames) {
      for (const e of topics[name].examples) {
        const r = topics[name].schema.safeParse(e.payload);
        expect(r.success, `${name}: ${e.title}: ${r.error?.message}`).toBe(true);
      }
    }
  });

  it('alarm examples travel on the topic level of their type', () => {
    for (const e of topics.alarm.examples) {
      const type = (e.payload as { type: string }).type;
      expect(matchTopic(`wanmi/v1/320481/alarms/${type}`)?.name).toBe('alarm');
    }
  });

  it('edge-published payloads are strict and versioned', () => {
    const payload = topics.status.examples[0]?.payload as Record<string, unknown>;
    expect(topics.status.schema.safeParse({ ...payload, v: 2 }).success).toBe(false);
    expect(topics.status.schema.safeParse({ ...payload, extra: 1 }).success).toBe(false);
    const alarm = topics.alarm.examples[0]?.payload as Record<string, unknown>;
    expect(topics.alarm.schema.safeParse({ ...alarm, type: 'fire' }).success).toBe(false);
  });
});
