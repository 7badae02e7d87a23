import { z } from 'zod';
import { engineOptionsSchema, fencesSchema } from '../../shared/geofence/index.js';
import { gpsAlarmTypes } from '../../shared/mqtt/index.js';

const ms = (min: number, max: number, dflt: number) => z.number().int().min(min).max(max).default(dflt);

/** The broker the ingest connects to (production: Mosquitto with per-device passwords and an ACL). */
const brokerSchema = z.strictObject({
  /** `mqtt://host:port` or `mqtts://…`; ignored when `embedded.enabled` (the embedded broker's URL is used). */
  url: z.string().min(1).default('mqtt://127.0.0.1:1883'),
  /**
   * Fixed client id: with `clean: false` the broker keeps the session (subscriptions and queued QoS 1 messages)
   * while the appliance restarts. Two ingest processes must never share it.
   */
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('wanmi-edge-ingest'),
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(256).optional(),
  keepaliveSeconds: z.number().int().min(5).max(600).default(30),
  /** Reconnect backoff: doubles from `reconnectMinMs` up to `reconnectMaxMs`, reset on a successful connect. */
  reconnectMinMs: ms(100, 60_000, 1000),
  reconnectMaxMs: ms(1000, 600_000, 30_000),
  /** How long start() waits for the first connect before going on (the client keeps retrying). */
  connectWaitMs: ms(0, 120_000, 5000),
  /** The broker was configured with the appliance's status will; publish alarms here (false: store only). */
  publishAlarms: z.boolean().default(true),
});

/** An in-process aedes broker (only for `npm start` and the fast suite; production uses Mosquitto). */
const embeddedSchema = z.strictObject({
  enabled: z.boolean().default(false),
  host: z.string().default('127.0.0.1'),
  /** 0 = a free port, chosen at start. */
  port: z.number().int().min(0).max(65535).default(0),
});

/** Simulated vehicles and collectors walking the demo district's grid edges (npm start). */
const simulatorSchema = z.strictObject({
  enabled: z.boolean().default(false),
  vehicles: z.number().int().min(0).max(2000).default(60),
  collectors: z.number().int().min(0).max(2000).default(20),
  /** Fixes per device per second. */
  hz: z.number().min(0.05).max(5).default(1),
  seed: z.number().int().default(20_260_512),
});

export const gpsConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  broker: brokerSchema.prefault({}),
  embedded: embeddedSchema.prefault({}),
  /** Decoder limits (shared/mqtt). */
  decode: z
    .strictObject({
      maxPayloadBytes: z.number().int().min(64).max(1_048_576).default(4096),
      /** A fix time more than this ahead of the edge clock is refused (`far_future`). */
      futureToleranceMs: ms(0, 86_400_000, 5 * 60_000),
      maxAgeMs: ms(60_000, 400 * 86_400_000, 7 * 86_400_000),
    })
    .prefault({}),
  pipeline: z
    .strictObject({
      /**
       * Per-device reorder window: fixes are held this long and released in time order (0 = release at once; a
       * fix older than the device's last released one is then stored for playback but skips geofence and live).
       */
      reorderWindowMs: ms(0, 60_000, 0),
      /** Speed/jump sanity: a fix implying more than this from the previous accepted one is dropped. */
      maxSpeedKmh: z.number().min(10).max(1000).default(250),
      /** Jumps shorter than this always pass (GPS jitter while parked inflates the implied speed). */
      jumpToleranceM: z.number().min(0).max(10_000).default(100),
      /** Motion: below this speed (or moving less than `stopRadiusM`) a device counts as stopped. */
      stopSpeedKmh: z.number().min(0).max(50).default(3),
      stopRadiusM: z.number().min(1).max(1000).default(30),
      /** A stop shorter than this is a traffic light, not a stop (trips/stops). */
      minStopSeconds: z.number().int().min(10).max(86_400).default(120),
    })
    .prefault({}),
  persist: z
    .strictObject({
      /** Positions are written in one transaction per batch, when this many are pending or `flushMs` passed. */
      batchSize: z.number().int().min(1).max(50_000).default(1000),
      flushMs: ms(5, 10_000, 100),
      /** Commit on a worker thread with its own connection (false: on the main thread, synchronously). */
      worker: z.boolean().default(true),
      /** Batches handed to the worker and not yet committed before the ingest stops acknowledging (backpressure). */
      maxInflightBatches: z.number().int().min(1).max(1000).default(20),
    })
    .prefault({}),
  live: z
    .strictObject({
      /** SSE clients get at most one aggregated update (latest state per device) per interval. */
      throttleMs: ms(20, 60_000, 500),
    })
    .prefault({}),
  retention: z
    .strictObject({
      days: z.number().int().min(1).max(3650).default(400),
      /** Rows deleted per statement; the pruner yields to ingest between batches. */
      batchRows: z.number().int().min(50).max(100_000).default(500),
      intervalMs: ms(1000, 86_400_000, 3_600_000),
    })
    .prefault({}),
  geofence: z
    .strictObject({
      fences: fencesSchema.default([]),
      options: engineOptionsSchema.prefault({}),
      /** How often offline (silence) is checked. */
      tickMs: ms(100, 600_000, 5000),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /**
       * Alarm types that raise an intake candidate (once per episode). `off_route` raises one only when its fence
       * asks for it (`rules.raiseIntakeCandidate`).
       */
      candidateTypes: z.array(z.enum(gpsAlarmTypes)).default(['off_route']),
      /** Cooldown passed to the candidate service (same episode within it → no second candidate). */
      candidateCooldownMs: ms(0, 7 * 86_400_000, 6 * 3_600_000),
      /** Matter category (5 digits, 2 major + 3 minor) for off-route candidates (渣土车偏离路线), optional. */
      offRouteCategory: z
        .string()
        .regex(/^\d{5}$/)
        .optional(),
    })
    .prefault({}),
  simulator: simulatorSchema.prefault({}),
});

export type GpsConfig = z.output<typeof gpsConfigSchema>;
export type GpsConfigInput = z.input<typeof gpsConfigSchema>;
