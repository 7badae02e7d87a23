import { z } from 'zod';
import { caseEventSchema, originSchema } from '../case/events.js';

/**
 * Sync protocol v1 (DESIGN.md §4) wire messages. Every message is validated on both sides by these schemas;
 * a breaking change gets a new version (`...V2`) and a new path, never an edit here.
 */
export const SYNC_MAX_BATCH = 500;
/**
 * Largest push batch (≈ 10 MB of JSON, under central's 16 MiB body cap). Larger than a pull page on purpose: after a
 * long outage central folds each touched case once per batch, so fewer, larger batches cut its work (a busy
 * district's catch-up, test/bench/sync.bench.ts).
 */
export const SYNC_MAX_PUSH_BATCH = 10_000;

export const pushEventsV1 = z.strictObject({
  v: z.literal(1, { error: 'unsupported sync message version (expected 1)' }),
  origin: originSchema,
  events: z
    .array(caseEventSchema)
    .min(1, { error: 'must hold at least one event' })
    .max(SYNC_MAX_PUSH_BATCH, { error: `at most ${SYNC_MAX_PUSH_BATCH} events per batch` }),
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

/** Largest blob a district may push (a phone original is capped at 12 MiB by the edge's upload limit). */
export const SYNC_MAX_BLOB_BYTES = 16 * 1024 * 1024;
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex sha256' });

/** Which of these blobs central does not hold yet (the edge uploads only those, before the events). */
export const blobsMissingRequestV1 = z.strictObject({
  v: z.literal(1, { error: 'unsupported sync message version (expected 1)' }),
  sha256: z.array(sha256Hex).max(SYNC_MAX_BATCH, { error: `at most ${SYNC_MAX_BATCH} hashes per query` }),
});
export type BlobsMissingRequestV1 = z.output<typeof blobsMissingRequestV1>;
export const blobsMissingResponseV1 = z.strictObject({ v: z.literal(1), missing: z.array(sha256Hex) });
export type BlobsMissingResponseV1 = z.output<typeof blobsMissingResponseV1>;
export const blobPutResponseV1 = z.strictObject({
  v: z.literal(1),
  sha256: sha256Hex,
  size: z.number().int().min(0),
  created: z.boolean(),
});
export type BlobPutResponseV1 = z.output<typeof blobPutResponseV1>;

/** Anti-entropy, step two: the ids of one day whose digest differs, so each side can name what the other lacks. */
export const dayIdsResponseV1 = z.strictObject({
  v: z.literal(1),
  day: dayKey,
  ids: z.array(z.string().min(1).max(64)),
});
export type DayIdsResponseV1 = z.output<typeof dayIdsResponseV1>;

/** Anti-entropy, step three: the edge fetches the events it lacks by id (only its district's, other origins). */
export const fetchEventsRequestV1 = z.strictObject({
  v: z.literal(1, { error: 'unsupported sync message version (expected 1)' }),
  ids: z
    .array(z.string().min(1).max(64))
    .min(1, { error: 'must hold at least one id' })
    .max(SYNC_MAX_BATCH, { error: `at most ${SYNC_MAX_BATCH} ids per request` }),
});
export type FetchEventsRequestV1 = z.output<typeof fetchEventsRequestV1>;
export const fetchEventsResponseV1 = z.strictObject({
  v: z.literal(1),
  events: z.array(caseEventSchema).max(SYNC_MAX_BATCH),
});
export type FetchEventsResponseV1 = z.output<typeof fetchEventsResponseV1>;

/**
 * Several blobs in one request (`POST /sync/v1/blobs/batch`): after an outage a district holds thousands of small
 * photos, and one request per photo cost more than everything else in a catch-up. Same rules as
 * `PUT /sync/v1/blobs/:sha256` (each hash verified, idempotent, blobs before the events that reference them).
 * Body (`application/vnd.wanmi.blobs.v1`): a 4-byte big-endian length, this header as JSON, then the blobs' bytes
 * concatenated in header order.
 */
export const BLOB_BATCH_MEDIA_TYPE = 'application/vnd.wanmi.blobs.v1';
export const SYNC_MAX_BLOB_BATCH_BYTES = 16 * 1024 * 1024;
export const blobBatchHeaderV1 = z.strictObject({
  v: z.literal(1, { error: 'unsupported sync message version (expected 1)' }),
  blobs: z
    .array(
      z.strictObject({
        sha256: sha256Hex,
        mime: z
          .string()
          .max(100)
          .regex(/^[a-z]+\/[a-z0-9.+-]+$/i, { error: 'must be a media type such as image/jpeg' }),
        size: z.number().int().min(1, { error: 'a blob cannot be empty' }).max(SYNC_MAX_BLOB_BYTES),
      }),
    )
    .min(1, { error: 'must hold at least one blob' })
    .max(SYNC_MAX_BATCH, { error: `at most ${SYNC_MAX_BATCH} blobs per batch` }),
});
export type BlobBatchHeaderV1 = z.output<typeof blobBatchHeaderV1>;
export const blobBatchResponseV1 = z.strictObject({
  v: z.literal(1),
  /** How many of the batch's blobs were new to central (the others it held already). */
  created: z.number().int().min(0),
  stored: z.number().int().min(0),
});
export type BlobBatchResponseV1 = z.output<typeof blobBatchResponseV1>;
