import { z } from 'zod';
import { caseEventSchema, originSchema } from '../case/events.js';

/**
 * Sync protocol v1 (DESIGN.md §4) wire messages. Every message is validated on both sides by these schemas;
 * a breaking change gets a new version (`...V2`) and a new path, never an edit here.
 */
export const SYNC_MAX_BATCH = 500;

export const pushEventsV1 = z.strictObject({
  v: z.literal(1, { error: 'unsupported sync message version (expected 1)' }),
  origin: originSchema,
  events: z
    .array(caseEventSchema)
    .min(1, { error: 'must hold at least one event' })
    .max(SYNC_MAX_BATCH, { error: `at most ${SYNC_MAX_BATCH} events per batch` }),
});
export type PushEventsV1 = z.output<typeof pushEventsV1>;

/** The highest contiguous seq of the pushing origin that the receiver has stored: the edge's new watermark. */
export const pushAckV1 = z.strictObject({ v: z.literal(1), acked: z.number().int().min(0) });
export type PushAckV1 = z.output<typeof pushAckV1>;

export const pullResponseV1 = z.strictObject({
  v: z.literal(1),
  events: z.array(caseEventSchema).max(SYNC_MAX_BATCH),
  /** Opaque position after the last returned event; the edge stores it in the same transaction as the events. */
  cursor: z.string().max(200),
  more: z.boolean(),
});
export type PullResponseV1 = z.output<typeof pullResponseV1>;

const dayKey = z.string().regex(/^\d{8}$/, { error: 'must be a yyyymmdd date' });
export const digestResponseV1 = z.strictObject({
  v: z.literal(1),
  days: z.array(
    z.strictObject({ day: dayKey, count: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  ),
});
export type DigestResponseV1 = z.output<typeof digestResponseV1>;
