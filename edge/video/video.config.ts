import { z } from 'zod';
import { cameraCredentialsSchema, cameraDefinitionSchema } from './camera.schema.js';

const backoff = (initialMs: number, maxMs: number) =>
  z
    .strictObject({
      initialMs: z.number().int().min(10).max(600_000).default(initialMs),
      maxMs: z.number().int().min(10).max(3_600_000).default(maxMs),
    })
    .prefault({});

/** Maps a camera event topic (and optionally one data item) to an intake rule and a matter category. */
export const eventRuleSchema = z.strictObject({
  /** Topic without namespace prefixes, e.g. `RuleEngine/ObjectDetection/Garbage`; a trailing `/*` matches below. */
  topic: z.string().min(1).max(300),
  /** Raise only when this SimpleItem of the message's Data has this value (e.g. `IsGarbage` = `true`). */
  when: z.strictObject({ item: z.string().min(1).max(100), value: z.string().max(100) }).optional(),
  /** The rule name on the candidate; with the camera id it is the de-duplication key. */
  rule: z.string().regex(/^[a-z0-9_.-]{1,64}$/, { error: 'must be 1–64 characters of a-z 0-9 _ . -' }),
  /** GB/T matter category code (e.g. 06010 暴露垃圾); the operator classifies when absent. */
  category: z
    .string()
    .regex(/^\d{5}$/, { error: 'must be a 5-digit category code' })
    .optional(),
  description: z.string().trim().min(1).max(500),
  cooldownS: z.number().int().min(0).max(86_400).default(600),
});
export type EventRule = z.output<typeof eventRuleSchema>;

/** The `video` section of the edge config (strict: unknown keys are errors). */
export const videoConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** `firmware-config/cameras/*.json` files (paths relative to the working directory). */
  cameraFiles: z.array(z.string().min(1)).default([]),
  /** Cameras declared inline (tests, small sites). */
  cameras: z.array(cameraDefinitionSchema).default([]),
  discovery: z
    .strictObject({
      /** WS-Discovery probes on the LAN (multicast); discovered devices join the registry. */
      enabled: z.boolean().default(false),
      intervalS: z.number().int().min(10).max(86_400).default(300),
      timeoutMs: z.number().int().min(100).max(30_000).default(3000),
      /** Credentials tried on discovered devices that no camera file declares. */
      credentials: cameraCredentialsSchema.optional(),
    })
    .prefault({}),
  rules: z.array(eventRuleSchema).default([]),
  onvif: z
    .strictObject({
      requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** Subscription length asked for; cameras may grant less, renewal follows what they grant. */
      terminationS: z.number().int().min(5).max(3600).default(60),
      /** Renew when this share of the granted time is left (0.3 = renew at 70 %). */
      renewAtRemaining: z.number().min(0.05).max(0.9).default(0.3),
      /** PullMessages long-poll timeout. */
      pullTimeoutS: z.number().int().min(1).max(60).default(10),
      messageLimit: z.number().int().min(1).max(1000).default(50),
      /** A camera clock that moves more than this against ours between two answers is a reboot or a clock jump. */
      clockJumpS: z.number().int().min(1).max(3600).default(30),
      backoff: backoff(1000, 60_000),
    })
    .prefault({}),
  snapshot: z
    .strictObject({
      timeoutMs: z.number().int().min(100).max(60_000).default(5000),
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(32 * 1024 * 1024)
        .default(8 * 1024 * 1024),
    })
    .prefault({}),
  /** `npm start` only: in-process ONVIF mock cameras that emit analytics events (no live video). */
  demo: z
    .strictObject({
      mockCameras: z.number().int().min(0).max(20).default(0),
      /** Each mock camera reports exposed garbage this often. */
      eventEveryS: z.number().int().min(5).max(86_400).default(300),
      /** Where the demo cameras stand (spread a little apart). */
      position: z.strictObject({ lon: z.number(), lat: z.number() }).optional(),
    })
    .prefault({}),
  relay: z
    .strictObject({
      ffmpegPath: z.string().min(1).default('ffmpeg'),
      /** ffmpeg keeps running this long after the last viewer left (a viewer switching layouts comes back). */
      idleStopMs: z.number().int().min(0).max(600_000).default(5000),
      /** fMP4 fragment length for MSE; shorter is lower latency, more messages. */
      fragmentMs: z.number().int().min(20).max(5000).default(100),
      /** A viewer whose socket holds more than this is skipped ahead to the next keyframe. */
      maxBufferedBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .max(256 * 1024 * 1024)
        .default(2 * 1024 * 1024),
      /** A viewer lagging for longer than this is disconnected. */
      lagDropMs: z.number().int().min(100).max(600_000).default(10_000),
      /** Bytes of the current GOP kept for late joiners (they start at its keyframe). */
      gopCacheBytes: z
        .number()
        .int()
        .min(0)
        .max(64 * 1024 * 1024)
        .default(4 * 1024 * 1024),
      maxViewersPerCamera: z.number().int().min(1).max(10_000).default(200),
      jsmpegBitrateK: z.number().int().min(100).max(20_000).default(1000),
      /** Every this often a live socket's session or token is checked again: logout or revocation ends the view. */
      authRecheckS: z.number().int().min(1).max(3600).default(60),
      /** Origins besides the appliance's own that may open a live socket with a session cookie. */
      allowedOrigins: z.array(z.url()).default([]),
      backoff: backoff(1000, 30_000),
    })
    .prefault({}),
});

export type VideoConfig = z.output<typeof videoConfigSchema>;
