import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * edge.db (DESIGN.md §3). Migrations are generated from this file with `npm run db:generate` and committed;
 * they are applied at start. Cases are event-sourced: `events` is the truth, `cases` its projection.
 */

/** Every change to a case, as received or written (full envelope JSON in `body`). */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull(),
    origin: text('origin').notNull(),
    seq: integer('seq').notNull(),
    hlc: text('hlc').notNull(),
    type: text('type').notNull(),
    at: text('at').notNull(),
    body: text('body').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [uniqueIndex('events_origin_seq').on(t.origin, t.seq), index('events_case').on(t.caseId, t.hlc)],
);

/** The fold of each case's events, written in the same transaction as the events. */
export const cases = sqliteTable(
  'cases',
  {
    id: text('id').primaryKey(),
    caseNumber: text('case_number'),
    district: text('district'),
    status: text('status').notNull(),
    category: text('category').notNull(),
    source: text('source'),
    categoryKind: text('category_kind'),
    categoryCode: text('category_code'),
    gridCode: text('grid_code'),
    componentId: text('component_id'),
    departmentId: text('department_id'),
    lon: real('lon'),
    lat: real('lat'),
    description: text('description'),
    clientReportId: text('client_report_id'),
    reportedAt: text('reported_at'),
    filedAt: text('filed_at'),
    closedAt: text('closed_at'),
    updatedAt: text('updated_at'),
    /** The step whose clock runs now, its deadline (epoch ms) and the clock itself, for queues sorted by time left. */
    activeStep: text('active_step'),
    deadline: integer('deadline'),
    activeClock: text('active_clock'),
    clockStartedAt: integer('clock_started_at'),
    /** When the running clock turns yellow (used ≥ the yellow threshold); the sweep reads only cases past it. */
    warnAt: integer('warn_at'),
    /** Sort key: the deadline, or NO_DEADLINE when no clock runs, so every queue reads in index order. */
    due: integer('due').notNull(),
    /** The work queue the case waits in (accept, verify, file, dispatch, handle, check, rework, close, suspended, done). */
    queue: text('queue').notNull(),
    urged: integer('urged').notNull().default(0),
    conflicts: integer('conflicts').notNull().default(0),
    provisionalPending: integer('provisional_pending').notNull().default(0),
    pendingApprovals: integer('pending_approvals').notNull().default(0),
    eventCount: integer('event_count').notNull(),
    state: text('state').notNull(),
  },
  (t) => [
    uniqueIndex('cases_number').on(t.caseNumber),
    index('cases_queue').on(t.queue, t.due, t.id),
    index('cases_due').on(t.due, t.id),
    index('cases_warn').on(t.warnAt),
    index('cases_department').on(t.departmentId, t.queue, t.due),
    index('cases_approvals').on(t.due, t.id).where(sql`pending_approvals > 0`),
    index('cases_provisional').on(t.due, t.id).where(sql`provisional_pending > 0`),
    index('cases_conflicts').on(t.due, t.id).where(sql`conflicts > 0`),
    index('cases_grid').on(t.gridCode),
    index('cases_category_code').on(t.categoryKind, t.categoryCode, t.reportedAt),
  ],
);

/** `due` of a case with no running clock: after every real deadline. */
export const NO_DEADLINE = 8_640_000_000_000_000;

/** Case-number counters per local date (`<division>-<yyyymmdd>-<counter>`). */
export const caseCounters = sqliteTable('case_counters', {
  date: text('date').primaryKey(),
  counter: integer('counter').notNull(),
});

/**
 * Handset retries: one (reporting user, client report id) → one case, forever. The hash of the report lets a retry
 * be told apart from a different report that reuses an id (answered 409, never silently merged).
 */
export const reportKeys = sqliteTable('report_keys', {
  clientReportId: text('client_report_id').primaryKey(),
  caseId: text('case_id').notNull(),
  reportHash: text('report_hash').notNull(),
  createdAt: text('created_at').notNull(),
});

/** Small node-level values: last HLC stamp, node id. */
export const nodeState = sqliteTable('node_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Append-only, hash-chained audit log: hash = sha256(prevHash + canonical row). */
export const audit = sqliteTable('audit', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actorId: text('actor_id').notNull(),
  actorRole: text('actor_role').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  detail: text('detail').notNull(),
  ip: text('ip'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').notNull(),
  departmentId: text('department_id'),
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled').notNull().default(0),
  createdAt: text('created_at').notNull(),
});

/** Browser sessions; the cookie holds the token, the table its sha256. */
export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/** Bearer tokens for handsets and integrations (stored hashed). */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  userId: text('user_id').notNull(),
  label: text('label').notNull(),
  createdAt: text('created_at').notNull(),
  revokedAt: text('revoked_at'),
});

/** 专业部门 with their 18-character unified social credit code (统一社会信用代码). */
export const departments = sqliteTable('departments', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  creditCode: text('credit_code'),
  level: text('level').notNull(),
  createdAt: text('created_at').notNull(),
});

/** Unit grids (单元网格) with their street and community. Geometry: GeoJSON Polygon/MultiPolygon (WGS-84). */
export const grids = sqliteTable(
  'grids',
  {
    code: text('code').primaryKey(),
    streetCode: text('street_code').notNull(),
    streetName: text('street_name'),
    communityCode: text('community_code').notNull(),
    communityName: text('community_name'),
    geometry: text('geometry').notNull(),
    minLon: real('min_lon').notNull(),
    minLat: real('min_lat').notNull(),
    maxLon: real('max_lon').notNull(),
    maxLat: real('max_lat').notNull(),
  },
  (t) => [index('grids_community').on(t.communityCode)],
);

/** Management components (部件), GB/T 47678.5 table 2 fields; legacy 16-digit ids kept as they are. */
export const components = sqliteTable(
  'components',
  {
    id: text('id').primaryKey(),
    categoryCode: text('category_code').notNull(),
    name: text('name'),
    deptCode: text('dept_code'),
    deptName: text('dept_name'),
    ownerCode: text('owner_code'),
    ownerName: text('owner_name'),
    maintainerCode: text('maintainer_code'),
    maintainerName: text('maintainer_name'),
    gridCode: text('grid_code'),
    status: text('status'),
    lon: real('lon').notNull(),
    lat: real('lat').notNull(),
    initialDate: text('initial_date'),
    changeDate: text('change_date'),
    dataSource: text('data_source'),
    note: text('note'),
  },
  (t) => [index('components_category').on(t.categoryCode), index('components_grid').on(t.gridCode)],
);

/** Responsibility table: category × area (street, community or grid code prefix) → department. */
export const responsibilities = sqliteTable(
  'responsibilities',
  {
    categoryKind: text('category_kind').notNull(),
    categoryCode: text('category_code').notNull(),
    areaCode: text('area_code').notNull(),
    departmentId: text('department_id').notNull(),
  },
  (t) => [uniqueIndex('responsibilities_key').on(t.categoryKind, t.categoryCode, t.areaCode)],
);

/** The city's 立案、处置和结案标准: filing conditions with their handling limit and closing condition. */
export const standards = sqliteTable(
  'standards',
  {
    categoryKind: text('category_kind').notNull(),
    categoryCode: text('category_code').notNull(),
    conditionNo: integer('condition_no').notNull(),
    filingCondition: text('filing_condition').notNull(),
    limitAmount: real('limit_amount').notNull(),
    limitUnit: text('limit_unit').notNull(),
    closingCondition: text('closing_condition').notNull(),
    urgency: text('urgency'),
  },
  (t) => [uniqueIndex('standards_key').on(t.categoryKind, t.categoryCode, t.conditionNo)],
);

/** Content-addressed blobs (photos, snapshots); bytes live in `blobs/<aa>/<sha256>`. */
export const blobs = sqliteTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  mime: text('mime').notNull(),
  width: integer('width'),
  height: integer('height'),
  role: text('role').notNull(),
  /** For a published copy: the original it was rendered from (the evidence). */
  sourceSha256: text('source_sha256'),
  createdAt: text('created_at').notNull(),
});

/** Traffic-light changes found by the clock sweep (预警/超期): one row per case, step clock and level reached. */
export const clockAlerts = sqliteTable(
  'clock_alerts',
  {
    caseId: text('case_id').notNull(),
    step: text('step').notNull(),
    startedAt: integer('started_at').notNull(),
    level: text('level').notNull(),
    deadline: integer('deadline').notNull(),
    at: text('at').notNull(),
  },
  (t) => [
    uniqueIndex('clock_alerts_key').on(t.caseId, t.step, t.startedAt, t.level),
    index('clock_alerts_at').on(t.at),
  ],
);

/** The special-operation ledger (台帐), one row per request, rewritten with the case projection. */
export const specialOps = sqliteTable(
  'special_ops',
  {
    requestId: text('request_id').primaryKey(),
    caseId: text('case_id').notNull(),
    op: text('op').notNull(),
    requestedAt: text('requested_at').notNull(),
    decidedAt: text('decided_at'),
    approved: integer('approved'),
    record: text('record').notNull(),
  },
  (t) => [index('special_ops_op').on(t.op, t.requestedAt), index('special_ops_case').on(t.caseId)],
);

/**
 * Intake candidates (待确认线索): problems raised by machines — a camera's analytics, a muck truck off its approved
 * route — that an operator accepts (→ a report and case, with the snapshot as photo) or dismisses. Repeats of the
 * same dedupe key within its cooldown are counted on the open candidate instead of raising a new one.
 */
export const intakeCandidates = sqliteTable(
  'intake_candidates',
  {
    id: text('id').primaryKey(),
    source: text('source', { enum: ['gps', 'camera'] }).notNull(),
    sourceId: text('source_id').notNull(),
    rule: text('rule').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    categoryKind: text('category_kind', { enum: ['component', 'matter'] }),
    categoryCode: text('category_code'),
    description: text('description').notNull(),
    lon: real('lon'),
    lat: real('lat'),
    /** The published (watermarked) copy of the snapshot; its original is linked in `blobs.source_sha256`. */
    photoSha256: text('photo_sha256'),
    observedAt: integer('observed_at').notNull(),
    lastObservedAt: integer('last_observed_at').notNull(),
    repeats: integer('repeats').notNull().default(0),
    status: text('status', { enum: ['pending', 'accepted', 'dismissed'] }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    decisionNote: text('decision_note'),
    caseId: text('case_id'),
  },
  (t) => [
    index('intake_candidates_key_idx').on(t.dedupeKey, t.lastObservedAt),
    index('intake_candidates_status_idx').on(t.status, t.observedAt),
  ],
);
