import { z } from 'zod';
import { polygonSchema, positionSchema } from '../geo/grid-schema.js';

// Positions and polygons are the grid index's own schemas (one definition of a valid GeoJSON polygon).
const position = positionSchema;
const polygon = polygonSchema;
const line = z
  .array(position, { error: 'must be an array of positions' })
  .min(2, { error: 'line must have at least 2 positions' });

const areaGeometry = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('Polygon'), coordinates: polygon }),
    z.strictObject({
      type: z.literal('MultiPolygon'),
      coordinates: z
        .array(polygon, { error: 'must be an array of polygons' })
        .min(1, { error: 'multipolygon must have at least one polygon' }),
    }),
  ],
  { error: "type must be 'Polygon' or 'MultiPolygon' for an area fence" },
);

// A MultiLineString holds the alternatives one approval allows (the corridor is the union of their buffers).
const routeGeometry = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('LineString'), coordinates: line }),
    z.strictObject({
      type: z.literal('MultiLineString'),
      coordinates: z
        .array(line, { error: 'must be an array of lines' })
        .min(1, { error: 'multilinestring must have at least one line' }),
    }),
  ],
  { error: "type must be 'LineString' or 'MultiLineString' for a route fence" },
);

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const startTime = z.string({ error: 'must be a string' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
  error: 'must be HH:MM between 00:00 and 23:59',
});
const endTime = z.string({ error: 'must be a string' }).regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, {
  error: 'must be HH:MM between 00:00 and 24:00',
});

/** A weekly window in the city's local time; `end` ≤ `start` means it runs past midnight into the next day. */
export const weeklyWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(weekdays, { error: `must be one of ${weekdays.join(', ')}` }), { error: 'must be an array' })
      .min(1, { error: 'needs at least one day' })
      .refine((days) => new Set(days).size === days.length, { error: 'must not repeat a day' }),
    start: startTime,
    end: endTime,
  })
  .refine((w) => w.start !== w.end, {
    error: 'end must differ from start (use 00:00–24:00 for a whole day)',
    path: ['end'],
  });
export type WeeklyWindow = z.output<typeof weeklyWindowSchema>;

const flag = z.boolean({ error: 'must be true or false' }).default(false);
const ruleShape = {
  enter: flag,
  exit: flag,
  /** One alarm when the vehicle leaves after having been seen entering (a drive-through). */
  cross: flag,
  speedLimitKmh: z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be greater than 0' })
    .max(300, { error: 'must be at most 300' })
    .optional(),
};

const common = {
  id: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(100, { error: 'must be at most 100 characters' }),
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
  groups: z
    .array(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }), {
      error: 'must be an array of group ids',
    })
    .min(1, { error: 'needs at least one vehicle group' }),
  /** Empty: always active. */
  schedule: z.array(weeklyWindowSchema, { error: 'must be an array of weekly windows' }).default([]),
};

export const areaFenceSchema = z.strictObject({
  ...common,
  kind: z.literal('area'),
  geometry: areaGeometry,
  rules: z.strictObject(ruleShape).default({ enter: false, exit: false, cross: false }),
});

export const routeFenceSchema = z.strictObject({
  ...common,
  kind: z.literal('route'),
  geometry: routeGeometry,
  halfWidthM: z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be greater than 0' })
    .max(5000, { error: 'must be at most 5000' }),
  rules: z
    .strictObject({
      ...ruleShape,
      /** Alarm while a vehicle of the groups is outside the corridor and the schedule is active. */
      offRoute: flag,
      /** Off-route alarms ask the caller for one intake candidate per episode. */
      raiseIntakeCandidate: flag,
    })
    .refine((r) => !r.raiseIntakeCandidate || r.offRoute, {
      error: 'raiseIntakeCandidate needs offRoute: true',
      path: ['raiseIntakeCandidate'],
    })
    .default({ enter: false, exit: false, cross: false, offRoute: false, raiseIntakeCandidate: false }),
});

export const fenceSchema = z.discriminatedUnion('kind', [areaFenceSchema, routeFenceSchema], {
  error: "kind must be 'area' or 'route'",
});

export const fencesSchema = z.array(fenceSchema, { error: 'must be an array of fences' }).superRefine((fences, ctx) => {
  const seen = new Map<string, number>();
  fences.forEach((fence, i) => {
    const prev = seen.get(fence.id);
    if (prev !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `must be unique (fences[${prev}] has the same id)` });
    }
    seen.set(fence.id, i);
  });
});

/** A fence as written in config (defaults optional). */
export type FenceInput = z.input<typeof fenceSchema>;
/** A validated fence with defaults filled in. */
export type Fence = z.output<typeof fenceSchema>;
export type AreaFence = z.output<typeof areaFenceSchema>;
export type RouteFence = z.output<typeof routeFenceSchema>;

const seconds = (max: number) =>
  z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be greater than 0' })
    .max(max, { error: `must be at most ${max}` });
const count = z.int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1' }).max(1000, {
  error: 'must be at most 1000',
});
const margin = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must be at least 0' })
  .max(1000, { error: 'must be at most 1000' });

/** Engine options; every field has a documented default. */
export const engineOptionsSchema = z
  .strictObject({
    /** The city's fixed offset from UTC in minutes (China: +480); schedules are read in this local time. */
    utcOffsetMinutes: z
      .int({ error: 'must be an integer' })
      .min(-720, { error: 'must be at least -720' })
      .max(840, { error: 'must be at most 840' })
      .default(480),
    /** A device counts as inside only once the point is more than this far inside the boundary. */
    enterMarginM: margin.default(10),
    /** A device counts as outside only once the point is more than this far outside the boundary. */
    exitMarginM: margin.default(10),
    /** Consecutive fixes beyond the margin needed to switch inside ↔ outside. */
    confirmFixes: count.default(1),
    /** Also switch after this many consecutive fixes on the other side within the margin band (0 = never). */
    settleFixes: z
      .int({ error: 'must be an integer' })
      .min(0, { error: 'must be at least 0' })
      .max(10_000, { error: 'must be at most 10000' })
      .default(0),
    overspeed: z
      .strictObject({
        minFixes: count.default(3),
        minSeconds: seconds(3600).default(10),
        /** The episode ends when the speed drops below limit − clearBelowKmh. */
        clearBelowKmh: z
          .number({ error: 'must be a number' })
          .min(0, { error: 'must be at least 0' })
          .max(100, { error: 'must be at most 100' })
          .default(5),
      })
      .default({ minFixes: 3, minSeconds: 10, clearBelowKmh: 5 }),
    offline: z
      .strictObject({
        afterSeconds: seconds(7 * 86_400).default(300),
        /** Per-group thresholds, e.g. handsets that sleep: `{ collectors: 900 }`. */
        byGroup: z.record(z.string(), seconds(7 * 86_400)).default({}),
      })
      .default({ afterSeconds: 300, byGroup: {} }),
    /** tick() forgets devices silent this long, which bounds the device map. */
    forgetAfterSeconds: seconds(365 * 86_400).default(7 * 86_400),
  })
  .superRefine((o, ctx) => {
    const longest = Math.max(o.offline.afterSeconds, ...Object.values(o.offline.byGroup));
    if (o.forgetAfterSeconds <= longest) {
      ctx.addIssue({
        code: 'custom',
        path: ['forgetAfterSeconds'],
        message: `must exceed every offline threshold (${longest} s), or offline alarms would be lost`,
      });
    }
  });

export type EngineOptionsInput = z.input<typeof engineOptionsSchema>;
export type EngineOptions = z.output<typeof engineOptionsSchema>;
