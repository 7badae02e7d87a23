import {
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * The municipal centre's store (DESIGN.md §3). Every district's case events, and the same projection as the edge.
 * `pos` is central's own arrival order: the pull cursor of each district. Migrations: `npm run db:generate:central`.
 */
export const events = pgTable(
  'events',
  {
    pos: bigserial('pos', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    caseId: text('case_id').notNull(),
    district: text('district').notNull(),
    origin: text('origin').notNull(),
    seq: integer('seq').notNull(),
    hlc: text('hlc').notNull(),
    type: text('type').notNull(),
    body: jsonb('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('events_id').on(t.id),
    uniqueIndex('events_origin_seq').on(t.origin, t.seq),
    index('events_case').on(t.caseId),
    index('events_district_pos').on(t.district, t.pos),
    index('events_district_hlc').on(t.district, t.hlc),
  ],
);

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    district: text('district').notNull(),
    caseNumber: text('case_number'),
    status: text('status').notNull(),
    category: text('category').notNull(),
    conflicts: integer('conflicts').notNull(),
    provisionalPending: integer('provisional_pending').notNull(),
    updatedAt: text('updated_at'),
    eventCount: integer('event_count').notNull(),
    state: jsonb('state').notNull(),
  },
  (t) => [index('cases_district_status').on(t.district, t.status)],
);

/** Sync tokens, stored hashed, each bound to one origin and its district. */
export const syncTokens = pgTable('sync_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  origin: text('origin').notNull(),
  district: text('district').notNull(),
  label: text('label').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Integrity alarms: an origin re-used a seq or an id with different content. Never silently dropped. */
export const integrityAlarms = pgTable('integrity_alarms', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  origin: text('origin').notNull(),
  eventId: text('event_id'),
  seq: integer('seq'),
  detail: text('detail').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/** Link bookkeeping per district, for the districts overview. */
export const districtLinks = pgTable('district_links', {
  district: text('district').primaryKey(),
  lastPushAt: timestamp('last_push_at', { withTimezone: true }),
  lastPullAt: timestamp('last_pull_at', { withTimezone: true }),
  acked: integer('acked').notNull().default(0),
});

/**
 * Photos and snapshots pushed by the districts before the events that reference them (sync v1 blobs first),
 * content-addressed by sha256. Kept in PostgreSQL for now (one backup, one transaction story); the scale plan moves
 * the bytes to object storage and keeps this row (central/README.md).
 */
export const blobs = pgTable(
  'blobs',
  {
    sha256: text('sha256').primaryKey(),
    district: text('district').notNull(),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    bytes: bytea('bytes').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('blobs_district').on(t.district)],
);
