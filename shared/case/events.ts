import { z } from 'zod';
import { timeLimitSchema } from '../clock/types.js';
import { hlcSchema } from '../identity/hlc.js';
import { idSchema } from '../identity/ids.js';
import { roleSchema } from './roles.js';

/** Node identity: `district:<6-digit division>` or `city:<6-digit division>` (DESIGN.md §4). */
export const originSchema = z.string({ error: 'must be a string' }).regex(/^(district|city):\d{6}$/, {
  error: 'must be "district:<6 digits>" or "city:<6 digits>"',
});
export type Origin = z.infer<typeof originSchema>;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a lower-case hex sha256' });
const photos = z.array(sha256).max(20, { error: 'at most 20 photos' }).default([]);
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, { error: `at most ${max} characters` });
const reason = text(2000).min(1, { error: 'is required' });

export const categoryRefSchema = z.strictObject({
  kind: z.enum(['component', 'matter'], { error: 'must be component or matter' }),
  code: z.string().regex(/^\d{5}$/, { error: 'must be a 5-digit category code (2 major + 3 minor)' }),
});

export const locationSchema = z.strictObject({
  lon: z
    .number({ error: 'must be a number' })
    .min(-180, { error: 'must be ≥ -180' })
    .max(180, { error: 'must be ≤ 180' }),
  lat: z.number({ error: 'must be a number' }).min(-90, { error: 'must be ≥ -90' }).max(90, { error: 'must be ≤ 90' }),
  address: text(500).optional(),
});

export const reportSources = ['collector', 'hotline', 'public', 'video', 'leader', 'vehicle'] as const;

/** The special operations that need an approval step, each with its ledger (台帐). */
export const specialOps = ['return', 'extension', 'postpone', 'void', 'ledger'] as const;
export type SpecialOp = (typeof specialOps)[number];

/** Payload schemas per event type. `limit` on an event is the time limit of the step clock it starts. */
export const payloadSchemas = {
  /** 上报: a report enters the system (the case's first event). */
  reported: z.strictObject({
    district: z.string().regex(/^\d{6}$/, { error: 'must be the 6-digit division code of the district' }),
    source: z.enum(reportSources, { error: `must be one of ${reportSources.join(', ')}` }),
    category: categoryRefSchema,
    location: locationSchema,
    gridCode: z
      .string()
      .regex(/^\d{15}$/, { error: 'must be a 15-digit unit grid code' })
      .optional(),
    componentId: z
      .string()
      .regex(/^\d{16,17}$/, { error: 'must be a 16- or 17-digit component id' })
      .optional(),
    description: text(4000).min(1, { error: 'is required' }),
    photos,
    clientReportId: text(100).optional(),
    reporter: z.strictObject({ name: text(100).optional(), phone: text(30).optional() }).optional(),
    limit: timeLimitSchema.optional(),
  }),
  /** 受理 */
  accepted: z.strictObject({ note: text(2000).optional(), limit: timeLimitSchema.optional() }),
  /** 核实 requested: a collector is sent to verify a public/hotline/video report. */
  verification_requested: z.strictObject({ collectorId: text(100).min(1), limit: timeLimitSchema.optional() }),
  verification_recorded: z.strictObject({
    result: z.enum(['confirmed', 'not_found'], { error: 'must be confirmed or not_found' }),
    note: text(2000).optional(),
    photos,
    limit: timeLimitSchema.optional(),
  }),
  /** 立案 */
  filed: z.strictObject({
    caseNumber: z.string().regex(/^\d{6}-\d{8}-\d{5,}$/, { error: 'must be <division>-<yyyymmdd>-<counter>' }),
    category: categoryRefSchema.optional(),
    gridCode: z
      .string()
      .regex(/^\d{15}$/, { error: 'must be a 15-digit unit grid code' })
      .optional(),
    /** The number of the filing condition (立案条件) in the city's standards table; it fixes the handling limit. */
    conditionNo: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be ≥ 1' }).max(999).optional(),
    filingCondition: text(500).optional(),
    urgency: z.enum(['A', 'B', 'C'], { error: 'must be A (紧急), B (重大) or C (一般)' }).optional(),
    limit: timeLimitSchema.optional(),
  }),
  /** 不予立案 / 注销 */
  rejected: z.strictObject({ reason }),
  /** 派遣: the handling clock starts here, so its limit is required. */
  dispatched: z.strictObject({
    departmentId: text(100).min(1, { error: 'is required' }),
    limit: timeLimitSchema,
    note: text(2000).optional(),
  }),
  /** 签收 */
  signed: z.strictObject({ note: text(2000).optional() }),
  /** 处置反馈 */
  handled: z.strictObject({ result: text(4000).min(1, { error: 'is required' }), photos }),
  /** 核查 requested */
  check_requested: z.strictObject({ collectorId: text(100).min(1), limit: timeLimitSchema.optional() }),
  check_recorded: z.strictObject({
    passed: z.boolean({ error: 'must be true or false' }),
    note: text(2000).optional(),
    photos,
    limit: timeLimitSchema.optional(),
  }),
  /** 返工: back to the department after a failed check; restarts the handling clock. */
  reworked: z.strictObject({ reason, limit: timeLimitSchema.optional() }),
  /** 结案 */
  closed: z.strictObject({ note: text(2000).optional() }),
  /** A request for a special operation (回退, 延期, 缓办, 作废, 挂账). */
  special_requested: z.strictObject({
    op: z.enum(specialOps, { error: `must be one of ${specialOps.join(', ')}` }),
    reason,
    extra: timeLimitSchema.optional(),
  }),
  /** The approver's decision on a pending special-operation request. */
  special_decided: z.strictObject({
    requestId: idSchema,
    approved: z.boolean({ error: 'must be true or false' }),
    note: text(2000).optional(),
    extra: timeLimitSchema.optional(),
  }),
  /** End of 缓办: the clock runs again. */
  resumed: z.strictObject({ note: text(2000).optional() }),
  /** End of 挂账: the case is active again. */
  restored: z.strictObject({ note: text(2000).optional() }),
  /** 督办: a flag and a comment, not a state. */
  urged: z.strictObject({
    comment: reason,
    level: z.enum(['normal', 'high'], { error: 'must be normal or high' }).default('normal'),
  }),
  /** The city confirms a district's provisional decisions. */
  provisional_confirmed: z.strictObject({
    eventIds: z.array(idSchema).min(1, { error: 'needs at least one event id' }).max(100),
  }),
  /** The city overrules a district's provisional decision: it is taken out of the fold. */
  provisional_overruled: z.strictObject({ eventId: idSchema, reason }),
} as const;

export type CaseEventType = keyof typeof payloadSchemas;
export const caseEventTypes = Object.keys(payloadSchemas) as CaseEventType[];
export type PayloadOf<T extends CaseEventType> = z.output<(typeof payloadSchemas)[T]>;

export const actorSchema = z.strictObject({
  userId: text(100).min(1, { error: 'is required' }),
  role: roleSchema,
});

/** The event envelope (DESIGN.md §4). `deps` = per origin, the highest seq of this case's events the author had seen. */
export const caseEventSchema = z.strictObject({
  v: z.literal(1, { error: 'unsupported event version (expected 1)' }),
  id: idSchema,
  caseId: idSchema,
  origin: originSchema,
  seq: z.number().int({ error: 'must be an integer' }).min(1, { error: 'must be ≥ 1' }),
  hlc: hlcSchema,
  type: z.enum(caseEventTypes as [CaseEventType, ...CaseEventType[]], { error: 'unknown event type' }),
  actor: actorSchema,
  at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with zone' }),
  provisional: z.boolean().optional(),
  deps: z.record(originSchema, z.number().int().min(0)).optional(),
  payload: z.unknown(),
});

export type CaseEventEnvelope = z.output<typeof caseEventSchema>;

/** A fully typed event, payload narrowed by type. */
export type CaseEvent = {
  [T in CaseEventType]: Omit<CaseEventEnvelope, 'type' | 'payload'> & { type: T; payload: PayloadOf<T> };
}[CaseEventType];

/** Validates an envelope and its payload; throws nothing, returns the first problem as `field: rule`. */
export function validateEvent(input: unknown): { ok: true; event: CaseEvent } | { ok: false; error: string } {
  const env = caseEventSchema.safeParse(input);
  if (!env.success) return { ok: false, error: firstIssue(env.error, []) };
  const schema = payloadSchemas[env.data.type];
  const payload = schema.safeParse(env.data.payload);
  if (!payload.success) return { ok: false, error: firstIssue(payload.error, ['payload']) };
  return { ok: true, event: { ...env.data, payload: payload.data } as CaseEvent };
}

function firstIssue(error: z.ZodError, prefix: PropertyKey[]): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = [...prefix, ...issue.path].map(String).join('.') || '(root)';
  return `${path}: ${issue.message}`;
}
