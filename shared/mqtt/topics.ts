import type { z } from 'zod';
import { ValidationError } from '../validation.js';
import { type AlarmType, alarmTypes, alarmV1, caseChangeV1, statusV1 } from './payloads/edge-out.js';
import { owntracksBaseMessage, owntracksTransition } from './payloads/owntracks.js';
import { wanmiPositionV1 } from './payloads/wanmi-position.js';

/** Who publishes: a device (tracker, handset) to the edge's broker, or the edge to whoever listens. */
export type Direction = 'device-to-edge' | 'edge-to-out';
/** The decoder (`shared/mqtt/decoders`) that turns a device topic's payload into fixes and events. */
export type DecoderName = 'wanmiPosition' | 'owntracks';

export interface TopicExample {
  readonly title: string;
  readonly payload: unknown;
}

export interface TopicDef {
  /** Levels separated by `/`; `<name>` is a parameter. */
  readonly pattern: string;
  readonly title: string;
  readonly direction: Direction;
  /** QoS the publisher uses and the ingest subscribes with. */
  readonly qos: 0 | 1 | 2;
  readonly retained: boolean;
  /** The broker publishes this topic as the publisher's last will. */
  readonly lastWill: boolean;
  readonly decoder?: DecoderName;
  readonly schema: z.ZodType;
  readonly examples: readonly TopicExample[];
  readonly description: string;
}

const at = Date.UTC(2026, 4, 12, 0, 30); // 2026-05-12 08:30 in China (UTC+8)

/** Every MQTT topic of DESIGN.md §5, as data: the docs page, the subscriptions and the matcher are built from it. */
export const topics = {
  vehiclePosition: {
    pattern: 'wanmi/v1/<district>/vehicles/<vehicleId>/position',
    title: 'Vehicle position (车辆定位)',
    direction: 'device-to-edge',
    qos: 1,
    retained: false,
    lastWill: false,
    decoder: 'wanmiPosition',
    schema: wanmiPositionV1,
    examples: [
      {
        title: 'muck truck (渣土车) moving, epoch-ms time',
        payload: { ts: at, lat: 31.4271, lon: 119.4843, speed: 36.5, heading: 87, acc: 4, alt: 9, sats: 14 },
      },
      {
        title: 'parked with ignition off, ISO 8601 time',
        payload: { ts: '2026-05-12T08:30:00+08:00', lat: 31.43105, lon: 119.47212, speed: 0, ignition: false },
      },
    ],
    description:
      'A vehicle tracker (车载定位终端) on a muck truck, sanitation vehicle or patrol car reports its fix. The broker ' +
      'ACL lets each tracker publish only its own topic. `speed` is km/h (as OwnTracks `vel` and JT/T 808 terminals), ' +
      'not m/s; coordinates are WGS-84 as the receiver outputs them, never GCJ-02.',
  },
  owntracksLocation: {
    pattern: 'owntracks/<user>/<device>',
    title: 'Collector handset location (城管通 / OwnTracks)',
    direction: 'device-to-edge',
    qos: 1,
    retained: false,
    lastWill: true,
    decoder: 'owntracks',
    schema: owntracksBaseMessage,
    examples: [
      {
        title: 'location (`_type: location`)',
        payload: {
          _type: 'location',
          tid: 'zw',
          lat: 31.42688,
          lon: 119.48121,
          tst: at / 1000,
          acc: 12,
          alt: 8,
          vel: 4,
          cog: 180,
          batt: 76,
          bs: 1,
          conn: 'm',
          t: 't',
          m: 2,
          created_at: at / 1000 + 1,
        },
      },
      { title: 'last will (`_type: lwt`): the broker lost the app', payload: { _type: 'lwt', tst: at / 1000 - 3600 } },
    ],
    description:
      'Collector phones (信息采集员) run the OwnTracks app in MQTT mode; the device is mapped to a collector by device ' +
      'enrolment. The app may publish with the retain flag (its `pubRetain` setting), so a retained fix can arrive at ' +
      "subscribe time: the GPS pipeline dedupes it. `lwt` is the app's last will: the device went offline (离线). " +
      'Units as the app sends them: `tst` epoch **seconds** (decoded to ms), `vel` km/h, `cog` degrees, `acc` metres.',
  },
  owntracksEvent: {
    pattern: 'owntracks/<user>/<device>/event',
    title: 'Collector handset region transition (OwnTracks)',
    direction: 'device-to-edge',
    qos: 1,
    retained: false,
    lastWill: false,
    decoder: 'owntracks',
    schema: owntracksTransition,
    examples: [
      {
        title: 'entered a region defined on the phone',
        payload: {
          _type: 'transition',
          event: 'enter',
          desc: 'grid-0107',
          tst: at / 1000,
          wtst: at / 1000 - 86_400 * 30,
          lat: 31.42688,
          lon: 119.48121,
          acc: 15,
          tid: 'zw',
          t: 'c',
        },
      },
    ],
    description:
      'The OwnTracks app enters or leaves one of its own regions (waypoints). Informational: the edge decides ' +
      'geofence alarms itself from positions.',
  },
  alarm: {
    pattern: 'wanmi/v1/<district>/alarms/<type>',
    title: 'Alarm (报警)',
    direction: 'edge-to-out',
    qos: 1,
    retained: false,
    lastWill: false,
    schema: alarmV1,
    examples: [
      {
        title: '`overspeed`: a muck truck above its fence limit',
        payload: {
          v: 1,
          type: 'overspeed',
          deviceKey: 'vehicle:muck-0142',
          fenceId: 'school-zone-03',
          ts: at,
          lat: 31.4271,
          lon: 119.4843,
          speedKmh: 52,
          episodeId: 'overspeed:school-zone-03:vehicle%3Amuck-0142:1778545800000',
        },
      },
      {
        title: '`camera`: an ONVIF field-detector event',
        payload: {
          v: 1,
          type: 'camera',
          cameraId: 'cam-0031',
          onvifTopic: 'tns1:RuleEngine/FieldDetector/ObjectsInside',
          ts: at,
          matterCode: '01010100001',
          episodeId: 'camera:cam-0031:1778545800000',
        },
      },
    ],
    description:
      'What the edge raises: geofence enter/exit/cross (电子围栏), overspeed (超速), off_route (偏离路线), offline ' +
      "(离线) from positions, and camera events (视频报警). The `<type>` level equals the payload's `type`, so a " +
      'consumer subscribes to `wanmi/v1/<district>/alarms/+` or to one type.',
  },
  caseChange: {
    pattern: 'wanmi/v1/<district>/cases/<caseId>',
    title: 'Case change (案件变更)',
    direction: 'edge-to-out',
    qos: 1,
    retained: false,
    lastWill: false,
    schema: caseChangeV1,
    examples: [
      {
        title: 'a case was dispatched (派遣)',
        payload: {
          v: 1,
          caseId: '019e1a2b-3c4d-7e5f-8a6b-7c8d9e0f1a2b',
          caseNumber: '320481-20260512-00042',
          status: 'dispatched',
          eventId: '019e1a2b-5d6e-7f80-9a1b-2c3d4e5f6a7b',
          eventType: 'dispatched',
          origin: 'district:320481',
          hlc: '001778545800000.00000',
          at: '2026-05-12T08:30:00+08:00',
        },
      },
    ],
    description:
      'Published after every case event is stored (event-sourced, DESIGN.md §4), so consoles and the video wall ' +
      'refresh without polling. A notification, not the record: read the case through the API.',
  },
  status: {
    pattern: 'wanmi/v1/<district>/status',
    title: 'Appliance status (在线状态)',
    direction: 'edge-to-out',
    qos: 1,
    retained: true,
    lastWill: true,
    schema: statusV1,
    examples: [
      { title: 'online, retained on connect', payload: { v: 1, origin: 'district:320481', state: 'online', ts: at } },
      { title: 'the last will', payload: { v: 1, origin: 'district:320481', state: 'offline', ts: at } },
    ],
    description:
      'Retained presence of the district appliance: `online` on connect, `offline` as the last will registered at ' +
      'connect time (so its `ts` is the connect time) and on clean shutdown. One process (ingest) owns it.',
  },
} as const satisfies Record<string, TopicDef>;

export type TopicName = keyof typeof topics;
export const topicNames = Object.keys(topics) as TopicName[];

type ParamsOf<P extends string> = P extends `${string}<${infer K}>${infer Rest}` ? K | ParamsOf<Rest> : never;
export type TopicParamName<N extends TopicName> = ParamsOf<(typeof topics)[N]['pattern']>;
type ParamValue<K> = K extends 'type' ? AlarmType : string;
export type TopicParams<N extends TopicName> = { readonly [K in TopicParamName<N>]: ParamValue<K> };
/** A matched topic: its name and its parameters, typed per topic. */
export type TopicMatch = { [N in TopicName]: { readonly name: N; readonly params: TopicParams<N> } }[TopicName];

/** Longest topic accepted; every real one is far shorter (ids are at most 64 characters). */
export const MAX_TOPIC_LENGTH = 256;
/** Vehicle, user, device and case ids in topics: no `/`, `+`, `#`, spaces or non-ASCII. */
export const topicIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const districtPattern = /^\d{6}$/;

interface ParamRule {
  readonly test: (value: string) => boolean;
  readonly rule: string;
}
const idRule: ParamRule = { test: (v) => topicIdPattern.test(v), rule: 'must be 1–64 of A–Z a–z 0–9 _ -' };
const paramRules: Readonly<Record<string, ParamRule>> = {
  district: { test: (v) => districtPattern.test(v), rule: 'must be a 6-digit division code' },
  vehicleId: idRule,
  user: idRule,
  device: idRule,
  caseId: idRule,
  type: { test: (v) => (alarmTypes as readonly string[]).includes(v), rule: `must be one of ${alarmTypes.join(', ')}` },
};

type Level = { readonly literal: string } | { readonly param: string };
const compiled = topicNames.map((name) => ({
  name,
  levels: topics[name].pattern.split('/').map((part): Level => {
    const m = /^<(\w+)>$/.exec(part);
    return m?.[1] ? { param: m[1] } : { literal: part };
  }),
}));

/**
 * The topic map entry a concrete topic belongs to, with its parameters; undefined for anything else. Strict:
 * wildcards, empty levels, a district that is not 6 digits, ids outside `[A-Za-z0-9_-]{1,64}` and over-long topics
 * match nothing. Never throws.
 */
export function matchTopic(topic: unknown): TopicMatch | undefined {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) return undefined;
  const parts = topic.split('/');
  for (const { name, levels } of compiled) {
    if (levels.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = levels.every((level, i) => {
      const part = parts[i] ?? '';
      if ('literal' in level) return part === level.literal;
      const rule = paramRules[level.param];
      if (!rule?.test(part)) return false;
      params[level.param] = part;
      return true;
    });
    if (ok) return { name, params } as TopicMatch;
  }
  return undefined;
}

/** The concrete topic for a map entry; throws ValidationError naming the parameter that breaks its rule. */
export function formatTopic<N extends TopicName>(name: N, params: TopicParams<N>): string {
  const values = params as Readonly<Record<string, unknown>>;
  const def = compiled.find((c) => c.name === name);
  if (!def) throw new ValidationError('name', `unknown topic ${String(name)}`);
  return def.levels
    .map((level) => {
      if ('literal' in level) return level.literal;
      const value = values[level.param];
      const rule = paramRules[level.param];
      if (typeof value !== 'string' || !rule?.test(value)) {
        throw new ValidationError(`params.${level.param}`, rule?.rule ?? 'unknown parameter');
      }
      return value;
    })
    .join('/');
}

export interface Subscription {
  readonly topic: TopicName;
  /** MQTT topic filter, `+` standing for one level. */
  readonly filter: string;
  readonly qos: 1;
}

/**
 * The filters the edge's ingest subscribes to for one district: every device-to-edge topic, the district filled in
 * and the other parameters as `+`, at QoS 1. Throws ValidationError for a district that is not 6 digits.
 */
export function subscriptionsFor(district: string): readonly Subscription[] {
  if (typeof district !== 'string' || !districtPattern.test(district)) {
    throw new ValidationError('district', 'must be a 6-digit division code');
  }
  return compiled
    .filter((c) => topics[c.name].direction === 'device-to-edge')
    .map((c) => ({
      topic: c.name,
      filter: c.levels
        .map((level) => ('literal' in level ? level.literal : level.param === 'district' ? district : '+'))
        .join('/'),
      qos: 1 as const,
    }));
}
