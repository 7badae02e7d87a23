import { z } from 'zod';
import { type CaseEventType, caseEventTypes, originSchema } from '../../case/events.js';
import { type CaseStatus, caseStatuses } from '../../case/status.js';
import { hlcSchema } from '../../identity/hlc.js';
import { idSchema } from '../../identity/ids.js';
import { bounded, epochMillis, isoDateTime, latitude, limits, longitude, sha256, text } from './fields.js';

// What the edge publishes for consoles, the video wall and integrations (DESIGN.md §5). Versioned by `v` and by the
// topic's `v1`; a breaking change is a new version, never an edit here.

/** Alarms raised from positions by the geofence engine (`shared/geofence`). */
export const gpsAlarmTypes = ['enter', 'exit', 'cross', 'overspeed', 'off_route', 'offline'] as const;
export const alarmTypes = [...gpsAlarmTypes, 'camera'] as const;
export type AlarmType = (typeof alarmTypes)[number];

const version = z.literal(1, { error: 'unsupported message version (expected 1)' }).meta({ description: 'always 1' });
const deviceKey = text(200, 'tracked device, e.g. `vehicle:su-E-12345` or `owntracks:zhangwei/phone`').min(1, {
  error: 'is required',
});
const episodeId = text(512, 'same for every alarm of one episode, however often the input is replayed').min(1, {
  error: 'is required',
});

const gpsAlarmV1 = z.strictObject({
  v: version,
  type: z.enum(gpsAlarmTypes, { error: 'unknown alarm type' }).meta({
    description: 'enter/exit/cross a fence (电子围栏), overspeed (超速), off_route (偏离路线), offline (离线)',
  }),
  deviceKey,
  fenceId: text(128, 'the fence (围栏) that raised it').optional(),
  ts: epochMillis('fix time; for `offline`, when the silence was noticed (epoch ms)'),
  lat: latitude.optional(),
  lon: longitude.optional(),
  speedKmh: bounded(...limits.speedKmh, 'speed at the fix, km/h').optional(),
  episodeId,
  raiseIntakeCandidate: z
    .boolean()
    .meta({ description: 'off_route only: the fence asks for one intake candidate for this episode' })
    .optional(),
});

const cameraAlarmV1 = z.strictObject({
  v: version,
  type: z.literal('camera').meta({ description: 'camera event (视频报警) from ONVIF' }),
  cameraId: text(64, 'enrolled camera id').min(1, { error: 'is required' }),
  onvifTopic: text(256, 'ONVIF event topic, e.g. `tns1:RuleEngine/FieldDetector/ObjectsInside`').min(1, {
    error: 'is required',
  }),
  ts: epochMillis('event time (epoch ms)'),
  matterCode: z
    .string()
    .regex(/^\d{11}$/, { error: 'must be an 11-digit matter code' })
    .meta({ description: 'matter category (事件类别) mapped from the event topic by configuration' })
    .optional(),
  snapshotSha256: sha256.meta({ description: 'snapshot blob (content address)' }).optional(),
  episodeId,
});

export const alarmV1 = z.discriminatedUnion('type', [gpsAlarmV1, cameraAlarmV1]);
export type AlarmV1 = z.output<typeof alarmV1>;

/** One change of a case: consoles refresh their queues from it; the case itself is read through the API. */
export const caseChangeV1 = z.strictObject({
  v: version,
  caseId: idSchema.meta({ description: 'case id (UUID)' }),
  caseNumber: z
    .string()
    .regex(/^\d{6}-\d{8}-\d{5,}$/, { error: 'must be <division>-<yyyymmdd>-<counter>' })
    .meta({ description: 'case number (案件编号) `<division>-<yyyymmdd>-<counter>`' })
    .optional(),
  status: z
    .enum(caseStatuses as [CaseStatus, ...CaseStatus[]], { error: 'unknown case status' })
    .meta({ description: 'status after the event' }),
  eventId: idSchema.meta({ description: 'the event that changed it' }),
  eventType: z
    .enum(caseEventTypes as [CaseEventType, ...CaseEventType[]], { error: 'unknown event type' })
    .meta({ description: 'its type' }),
  origin: originSchema.meta({ description: 'node that wrote the event, e.g. `district:320481`' }),
  hlc: hlcSchema.meta({ description: 'hybrid logical clock of the event' }),
  at: isoDateTime.meta({ description: 'wall-clock time of the event' }),
});
export type CaseChangeV1 = z.output<typeof caseChangeV1>;

/** The appliance's presence: `online` retained on connect, `offline` as the broker's last will. */
export const statusV1 = z.strictObject({
  v: version,
  origin: originSchema.meta({ description: 'the appliance, `district:<division>`' }),
  state: z.enum(['online', 'offline'], { error: 'must be online or offline' }).meta({
    description: '`online` when connected, `offline` from the last will or a clean shutdown',
  }),
  ts: epochMillis('when the connection was made (the will is fixed at connect time), epoch ms'),
});
export type StatusV1 = z.output<typeof statusV1>;
