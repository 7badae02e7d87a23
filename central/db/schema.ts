import {
  bigint,
  bigserial,
  boolean,
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
    /**
     * True when `body` passed the full event validation (envelope and payload) at ingest and is a fixed point of it:
     * the fold may use it without re-running zod (shared/case/fold.ts `validated`). False: re-validated per fold.
     */
    checked: boolean('checked').notNull().default(false),
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
    /** Deadline (epoch ms) of the running step clock; null when no clock runs. Overdue = due < now. */
    due: bigint('due', { mode: 'number' }),
    state: jsonb('state').notNull(),
  },
  (t) => [
    index('cases_district_status').on(t.district, t.status),
    index('cases_district_due').on(t.district, t.due),
    index('cases_case_number').on(t.caseNumber),
  ],
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
  /** The edge's own outbox size as it reported on its last call (header `x-wanmi-backlog`). */
  backlog: integer('backlog'),
  lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
});

/** The city's users (市级监督中心): same roles as the edge (shared/case/roles.ts); passwords hashed with scrypt. */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').notNull(),
  passwordHash: text('password_hash').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Sessions: the token is stored hashed; the CSRF token guards cookie-authenticated writes. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    csrf: text('csrf').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Append-only audit log, hash-chained (each row's hash covers the previous hash). */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  detail: jsonb('detail'),
  ip: text('ip'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/** Local counters for city case numbers: `<city division>-<yyyymmdd>-<counter>` (DESIGN.md §4). */
export const caseCounters = pgTable('case_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
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
