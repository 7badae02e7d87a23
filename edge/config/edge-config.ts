import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { foldConfigSchema } from '../../shared/case/config.js';
import {
  clockThresholdsSchema,
  cnNationalSchedule2026,
  timeLimitSchema,
  workingCalendarSchema,
} from '../../shared/clock/index.js';
import { parseOrThrow } from '../../shared/validation.js';
import { consoleConfigSchema } from '../console/console.config.js';
import { gpsConfigSchema } from '../gps/gps.config.js';
import { syncConfigSchema } from '../sync/sync.config.js';
import { videoConfigSchema } from '../video/video.config.js';

const division = z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit division code (GB/T 2260)' });
const limit = (amount: number, unit: 'urgent_hours' | 'working_hours' | 'working_days') =>
  timeLimitSchema.default({ amount, unit });

/**
 * The edge appliance's configuration: one strict schema (unknown keys are errors, every error names its path),
 * defaults and bounds here, secrets only as `${ENV}` placeholders resolved at load.
 */
export const edgeConfigSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1 (the only config version so far)' }),
  district: z.strictObject({ division, name: z.string().min(1).max(100) }),
  city: z.strictObject({ division, name: z.string().min(1).max(100).default('市') }),
  dataDir: z.string().min(1).default('./data'),
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Set behind a TLS-terminating proxy so cookies get `Secure`. */
      secureCookies: z.boolean().default(false),
    })
    .prefault({}),
  calendar: workingCalendarSchema.prefault({ years: { '2026': cnNationalSchedule2026 } }),
  thresholds: clockThresholdsSchema.prefault({}),
  fold: foldConfigSchema.prefault({}),
  /** Step limits (DOMAIN.md §6, config); handling limits come from the standards table, this is the fallback. */
  limits: z
    .strictObject({
      accept: limit(1, 'working_hours'),
      verify: limit(2, 'working_hours'),
      file: limit(1, 'working_hours'),
      dispatch: limit(1, 'working_hours'),
      handle: limit(2, 'working_days'),
      check: limit(4, 'working_hours'),
      close: limit(1, 'working_hours'),
    })
    .prefault({}),
  /** Whether this district takes the city's supervision steps itself, provisionally (DESIGN.md §4). */
  provisionalSupervision: z.enum(['always', 'never']).default('always'),
  uploads: z
    .strictObject({
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(12 * 1024 * 1024),
      maxPixels: z.number().int().min(10_000).max(200_000_000).default(40_000_000),
      maxPhotos: z.number().int().min(0).max(20).default(9),
    })
    .prefault({}),
  auth: z
    .strictObject({
      sessionHours: z
        .number()
        .min(0.25)
        .max(24 * 7)
        .default(12),
      loginMaxAttempts: z.number().int().min(1).max(100).default(5),
      loginWindowSeconds: z.number().int().min(10).max(86_400).default(300),
    })
    .prefault({}),
  intake: z
    .strictObject({
      duplicateRadiusM: z.number().min(0).max(5000).default(50),
      duplicateWindowHours: z
        .number()
        .min(0)
        .max(24 * 90)
        .default(72),
    })
    .prefault({}),
  /** The city link (DESIGN.md §4); off until a central URL and token are configured. */
  sync: syncConfigSchema.prefault({}),
  /** Vehicle and collector positions over MQTT (DESIGN.md §5). */
  gps: gpsConfigSchema.prefault({}),
  /** Cameras: ONVIF events, snapshots and the live-view relay. */
  video: videoConfigSchema.prefault({}),
  /** The control-room web app served from `console/dist`, and an optional offline base map (PMTiles). */
  console: consoleConfigSchema.prefault({}),
});

export type EdgeConfig = z.output<typeof edgeConfigSchema>;
export type EdgeConfigInput = z.input<typeof edgeConfigSchema>;

/** Replaces `${NAME}` in strings with the environment variable; a missing variable is an error naming it. */
export function resolveEnv(value: unknown, env: NodeJS.ProcessEnv, path = 'config'): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new Error(`${path}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env, `${path}.${k}`)]));
  }
  return value;
}

export function parseEdgeConfig(input: unknown, env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  return parseOrThrow(edgeConfigSchema, resolveEnv(input, env), 'config');
}

export function loadEdgeConfig(file: string, env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseEdgeConfig(raw, env);
}
