import { and, asc, desc, eq, ilike, inArray, isNotNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { categoryRefSchema, locationSchema } from '../../shared/case/events.js';
import type { ActorRef, CaseState } from '../../shared/case/state.js';
import { caseStatuses } from '../../shared/case/status.js';
import { DomainError } from '../../shared/errors.js';
import { newId } from '../../shared/identity/ids.js';
import { appendAudit } from '../auth/audit.js';
import type { CentralDb } from '../db/open.js';
import { blobs, cases, districtLinks, integrityAlarms } from '../db/schema.js';
import type { CentralCaseLog } from '../sync/case-log.js';

const text = (max: number) => z.string().trim().max(max);
const reason = text(2000).min(1, { error: 'is required' });
const division = z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit division code' });

export const listQuerySchema = z.strictObject({
  district: division.optional(),
  status: z.enum(caseStatuses as [string, ...string[]]).optional(),
  /** Free text: case number prefix or words of the description. */
  q: text(100).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  conflicts: z.enum(['true', 'false']).optional(),
  provisional: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** 城市立案: the city files a case for a district (hotline, leader's instruction, inspection) and sends it there. */
export const fileForDistrictSchema = z.strictObject({
  district: division,
  source: z.enum(['hotline', 'leader', 'public', 'video', 'collector']).default('hotline'),
  category: categoryRefSchema,
  location: locationSchema,
  gridCode: z
    .string()
    .regex(/^\d{15}$/)
    .optional(),
  description: text(4000).min(1, { error: 'is required' }),
  urgency: z.enum(['A', 'B', 'C']).optional(),
});

/** City-owned steps (一级监督) and their inputs; each maps to events appended by the city origin. */
export const stepSchemas = {
  accept: z.strictObject({ note: text(2000).optional() }),
  'verification-request': z.strictObject({ collectorId: text(100).min(1) }),
  verification: z.strictObject({ result: z.enum(['confirmed', 'not_found']), note: text(2000).optional() }),
  file: z.strictObject({ urgency: z.enum(['A', 'B', 'C']).optional(), category: categoryRefSchema.optional() }),
  reject: z.strictObject({ reason }),
  'check-request': z.strictObject({ collectorId: text(100).min(1) }),
  check: z.strictObject({ passed: z.boolean(), note: text(2000).optional() }),
  rework: z.strictObject({ reason }),
  close: z.strictObject({ note: text(2000).optional() }),
  void: z.strictObject({ reason }),
  urge: z.strictObject({ comment: reason, level: z.enum(['normal', 'high']).default('normal') }),
  /** 确认: the city confirms a district's provisional decisions. */
  confirm: z.strictObject({ eventIds: z.array(z.string().min(1).max(64)).min(1).max(100) }),
  /** 否决: the city overrules one provisional decision; it leaves the fold and shows as a conflict. */
  overrule: z.strictObject({ eventId: z.string().min(1).max(64), reason }),
} as const;
export type StepName = keyof typeof stepSchemas;

const limits = {
  dispatch: { amount: 1, unit: 'working_hours' },
  check: { amount: 4, unit: 'working_hours' },
  verify: { amount: 2, unit: 'working_hours' },
  close: { amount: 1, unit: 'working_hours' },
  file: { amount: 1, unit: 'working_hours' },
} as const;

const LINK_UP_WITHIN_MS = 2 * 60_000;

/** The city's supervision work over central's store: lists and search, city-owned steps, districts overview. */
export class SupervisionService {
  constructor(private readonly deps: { db: CentralDb; log: CentralCaseLog; now: () => number }) {}

  async list(query: z.output<typeof listQuerySchema>) {
    const where: SQL[] = [];
    if (query.district) where.push(eq(cases.district, query.district));
    if (query.status) where.push(eq(cases.status, query.status));
    if (query.overdue === 'true') where.push(and(isNotNull(cases.due), lt(cases.due, this.deps.now())) as SQL);
    if (query.conflicts === 'true') where.push(sql`${cases.conflicts} > 0`);
    if (query.provisional === 'true') where.push(sql`${cases.provisionalPending} > 0`);
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push(
        or(
          ilike(cases.caseNumber, `${query.q.replace(/[\\%_]/g, '')}%`),
          ilike(sql`${cases.state}->>'description'`, like),
        ) as SQL,
      );
    }
    const cond = where.length > 0 ? and(...where) : undefined;
    const rows = await this.deps.db
      .select({
        id: cases.id,
        district: cases.district,
        caseNumber: cases.caseNumber,
        status: cases.status,
        category: cases.category,
        conflicts: cases.conflicts,
        provisionalPending: cases.provisionalPending,
        due: cases.due,
        updatedAt: cases.updatedAt,
        description: sql<string | null>`${cases.state}->>'description'`,
      })
      .from(cases)
      .where(cond)
      .orderBy(desc(cases.updatedAt), asc(cases.id))
      .limit(query.limit)
      .offset(query.offset);
    const total = Number((await this.deps.db.select({ n: sql<number>`count(*)` }).from(cases).where(cond))[0]?.n ?? 0);
    const now = this.deps.now();
    return {
      total,
      cases: rows.map((r) => ({ ...r, overdue: r.due !== null && r.due < now })),
    };
  }

  async get(caseId: string): Promise<CaseState> {
    const state = await this.deps.log.get(caseId);
    if (!state) throw new DomainError('not_found', `case ${caseId} does not exist`);
    return state;
  }

  /**
   * A photo of a case, as its district pushed it (blobs first): only a hash the case's events name, and only from that
   * case's district, so a city user cannot fetch arbitrary blobs by guessing hashes.
   */
  async photo(caseId: string, sha256: string): Promise<{ bytes: Buffer; mime: string }> {
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw new DomainError('invalid', 'sha256: must be a lower-case hex sha256', 'sha256');
    const state = await this.get(caseId);
    const named = Object.values(state.photos).some((list) => list.includes(sha256));
    if (!named) throw new DomainError('not_found', `case ${caseId} has no photo ${sha256}`);
    const [row] = await this.deps.db
      .select({ bytes: blobs.bytes, mime: blobs.mime })
      .from(blobs)
      .where(and(eq(blobs.sha256, sha256), eq(blobs.district, state.district ?? '')));
    if (!row) throw new DomainError('not_found', `photo ${sha256} has not reached the city yet`);
    return { bytes: Buffer.from(row.bytes), mime: row.mime };
  }

  async fileForDistrict(input: z.output<typeof fileForDistrictSchema>, actor: ActorRef, ip: string | null) {
    const caseId = newId();
    const caseNumber = await this.deps.log.nextCaseNumber();
    const state = await this.deps.log.append(
      caseId,
      [
        {
          type: 'reported',
          payload: {
            district: input.district,
            source: input.source,
            category: input.category,
            location: input.location,
            ...(input.gridCode ? { gridCode: input.gridCode } : {}),
            description: input.description,
            photos: [],
            limit: limits.file,
          },
        },
        {
          type: 'filed',
          payload: { caseNumber, ...(input.urgency ? { urgency: input.urgency } : {}), limit: limits.dispatch },
        },
      ],
      actor,
      { create: { district: input.district } },
    );
    await appendAudit(this.deps.db, {
      actor: actor.userId,
      action: 'case.file_for_district',
      target: caseId,
      detail: { district: input.district, caseNumber },
      ip,
    });
    return state;
  }

  /** One city-owned step: validated input → the events the city origin appends (refused when the fold refuses). */
  async step(caseId: string, name: StepName, input: unknown, actor: ActorRef, ip: string | null): Promise<CaseState> {
    const parsed = stepSchemas[name].safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || 'body';
      throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
    }
    const i = parsed.data as Record<string, unknown>;
    const drafts = await this.draftsOf(caseId, name, i);
    const state = await this.deps.log.append(caseId, drafts, actor);
    await appendAudit(this.deps.db, { actor: actor.userId, action: `case.${name}`, target: caseId, detail: i, ip });
    return state;
  }

  private async draftsOf(caseId: string, name: StepName, i: Record<string, unknown>) {
    switch (name) {
      case 'accept':
        return [{ type: 'accepted' as const, payload: { ...i, limit: limits.file } }];
      case 'verification-request':
        return [{ type: 'verification_requested' as const, payload: { ...i, limit: limits.verify } }];
      case 'verification':
        return [{ type: 'verification_recorded' as const, payload: { ...i, photos: [], limit: limits.file } }];
      case 'file':
        return [
          {
            type: 'filed' as const,
            payload: { ...i, caseNumber: await this.deps.log.nextCaseNumber(), limit: limits.dispatch },
          },
        ];
      case 'reject':
        return [{ type: 'rejected' as const, payload: i }];
      case 'check-request':
        return [{ type: 'check_requested' as const, payload: { ...i, limit: limits.check } }];
      case 'check':
        return [{ type: 'check_recorded' as const, payload: { ...i, photos: [], limit: limits.close } }];
      case 'rework':
        return [{ type: 'reworked' as const, payload: i }];
      case 'close':
        return [{ type: 'closed' as const, payload: i }];
      case 'void': {
        // 作废 is the city's: request and approval in one decision of the shift lead.
        const requestId = newId();
        return [
          { id: requestId, type: 'special_requested' as const, payload: { op: 'void', reason: i.reason } },
          { type: 'special_decided' as const, payload: { requestId, approved: true } },
        ];
      }
      case 'urge':
        return [{ type: 'urged' as const, payload: i }];
      case 'confirm':
        return [{ type: 'provisional_confirmed' as const, payload: i }];
      case 'overrule':
        return [{ type: 'provisional_overruled' as const, payload: i }];
    }
    void caseId;
  }

  /** Districts overview: link state, the edge's backlog as it last reported, last sync, open and overdue counts. */
  async districts() {
    const now = this.deps.now();
    const links = await this.deps.db.select().from(districtLinks);
    const counts = await this.deps.db
      .select({
        district: cases.district,
        open: sql<number>`count(*) FILTER (WHERE ${cases.status} NOT IN ('closed', 'rejected', 'voided', 'none'))`,
        overdue: sql<number>`count(*) FILTER (WHERE ${cases.due} IS NOT NULL AND ${cases.due} < ${now})`,
        conflicts: sql<number>`count(*) FILTER (WHERE ${cases.conflicts} > 0)`,
        provisional: sql<number>`count(*) FILTER (WHERE ${cases.provisionalPending} > 0)`,
      })
      .from(cases)
      .groupBy(cases.district);
    const alarms = await this.deps.db
      .select({ origin: integrityAlarms.origin, n: sql<number>`count(*)` })
      .from(integrityAlarms)
      .groupBy(integrityAlarms.origin);
    const districts = new Set([...links.map((l) => l.district), ...counts.map((c) => c.district)]);
    return [...districts].sort().map((district) => {
      const l = links.find((x) => x.district === district);
      const c = counts.find((x) => x.district === district);
      const contact = l?.lastContactAt?.getTime() ?? null;
      return {
        district,
        link: contact === null ? 'never' : now - contact <= LINK_UP_WITHIN_MS ? 'up' : 'down',
        lastContactAt: l?.lastContactAt?.toISOString() ?? null,
        lastPushAt: l?.lastPushAt?.toISOString() ?? null,
        lastPullAt: l?.lastPullAt?.toISOString() ?? null,
        acked: l?.acked ?? 0,
        backlog: l?.backlog ?? null,
        open: Number(c?.open ?? 0),
        overdue: Number(c?.overdue ?? 0),
        withConflicts: Number(c?.conflicts ?? 0),
        provisionalPending: Number(c?.provisional ?? 0),
        integrityAlarms: Number(alarms.find((a) => a.origin === `district:${district}`)?.n ?? 0),
      };
    });
  }

  async casesOf(ids: readonly string[]) {
    return this.deps.db
      .select()
      .from(cases)
      .where(inArray(cases.id, [...ids]));
  }
}
