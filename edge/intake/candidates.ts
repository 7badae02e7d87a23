import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CaseState } from '../../shared/case/state.js';
import { newId } from '../../shared/identity/ids.js';
import { parseOrThrow } from '../../shared/validation.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../cases/workflow.service.js';
import { requirePermission } from '../cases/workflow.service.js';
import type { EdgeDb } from '../db/open.js';
import { intakeCandidates } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { PhotoUploads } from '../http/routes/reports.routes.js';
import type { IntakeService } from './intake.service.js';

const categoryRef = z.strictObject({
  kind: z.enum(['component', 'matter'], { error: 'must be component or matter' }),
  code: z.string().regex(/^\d{5}$/, { error: 'must be a 5-digit category code (2 major + 3 minor)' }),
});

/** What a machine source hands in: validated here, at the boundary, like every other input. */
export const candidateInputSchema = z.strictObject({
  source: z.enum(['gps', 'camera']),
  /** The device or camera id. */
  sourceId: z.string().min(1).max(200),
  /** The alarm rule or event topic, e.g. `off_route` or `tns1:RuleEngine/GarbageDetector`. */
  rule: z.string().min(1).max(300),
  /** Repeats of the same key within `cooldownMs` are one candidate (counted as repeats). */
  dedupeKey: z.string().min(1).max(500),
  cooldownMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000),
  observedAt: z.number().int().min(0),
  /** A matter (事件) category code when the source's configuration maps the rule to one. */
  category: z
    .union([z.string().regex(/^\d{5}$/, { error: 'must be a 5-digit category code' }), categoryRef])
    .optional(),
  description: z.string().trim().min(1).max(2000),
  position: z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).optional(),
  /** A snapshot (JPEG/PNG/WebP); stored through the photo pipeline (original kept, watermarked copy published). */
  photo: z.instanceof(Buffer).optional(),
});
export type CandidateInput = z.input<typeof candidateInputSchema>;

/** Where machine sources (GPS alarms, camera analytics) hand their candidates: the service, or a test double. */
export interface CandidateSink {
  raise(input: CandidateInput): Promise<{ id: string; created: boolean }> | { id: string; created: boolean };
}

const acceptSchema = z.strictObject({
  /** Required when the candidate has no category (the operator classifies it). */
  category: categoryRef.optional(),
  description: z.string().trim().min(1).max(4000).optional(),
  location: z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).optional(),
});
const dismissSchema = z.strictObject({ reason: z.string().trim().min(1, { error: 'is required' }).max(500) });

export const candidateStatuses = ['pending', 'accepted', 'dismissed'] as const;
export type CandidateRow = typeof intakeCandidates.$inferSelect;

export interface CandidateDeps {
  db: EdgeDb;
  intake: IntakeService;
  uploads: PhotoUploads;
  now: () => number;
  /** Called after a new candidate is stored (live feeds, metrics). */
  onRaised?: (row: CandidateRow) => void;
}

/**
 * Intake candidates (待确认线索): machine-raised problems waiting for an operator. `raise` is idempotent per dedupe
 * key within the cooldown; `accept` turns one into a report exactly once (the candidate id is the client report id).
 */
export class CandidateService {
  constructor(private readonly deps: CandidateDeps) {}

  /** Stores a candidate, or counts a repeat of one raised for the same key within its cooldown. */
  async raise(input: CandidateInput): Promise<{ id: string; created: boolean }> {
    const c = parseOrThrow(candidateInputSchema, input, 'candidate');
    const repeat = this.repeatOf(c.dedupeKey, c.observedAt - c.cooldownMs);
    if (repeat) return this.countRepeat(repeat.id, c.observedAt);
    // The photo is rendered before the write (async); the write itself re-checks the cooldown in its transaction.
    const photoSha256 = c.photo
      ? await this.deps.uploads.store(c.photo, 'candidate.photo', {
          takenAt: new Date(c.observedAt),
          place: c.position ? `${c.position.lon.toFixed(6)}, ${c.position.lat.toFixed(6)}` : c.sourceId,
        })
      : null;
    const category = typeof c.category === 'string' ? { kind: 'matter' as const, code: c.category } : c.category;
    return this.deps.db.transaction(() => {
      const again = this.repeatOf(c.dedupeKey, c.observedAt - c.cooldownMs);
      if (again) return this.countRepeat(again.id, c.observedAt);
      const row: CandidateRow = {
        id: newId(),
        source: c.source,
        sourceId: c.sourceId,
        rule: c.rule,
        dedupeKey: c.dedupeKey,
        categoryKind: category?.kind ?? null,
        categoryCode: category?.code ?? null,
        description: c.description,
        lon: c.position?.lon ?? null,
        lat: c.position?.lat ?? null,
        photoSha256,
        observedAt: c.observedAt,
        lastObservedAt: c.observedAt,
        repeats: 0,
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
        caseId: null,
      };
      this.deps.db.insert(intakeCandidates).values(row).run();
      this.deps.onRaised?.(row);
      return { id: row.id, created: true };
    });
  }

  list(ctx: ServiceContext, q: { status?: (typeof candidateStatuses)[number]; limit: number; before?: number }) {
    requirePermission(ctx, 'candidate.read');
    const where = and(
      q.status ? eq(intakeCandidates.status, q.status) : undefined,
      q.before !== undefined ? lt(intakeCandidates.observedAt, q.before) : undefined,
    );
    return this.deps.db
      .select()
      .from(intakeCandidates)
      .where(where)
      .orderBy(desc(intakeCandidates.observedAt))
      .limit(q.limit)
      .all();
  }

  get(ctx: ServiceContext, id: string): CandidateRow {
    requirePermission(ctx, 'candidate.read');
    const row = this.deps.db.select().from(intakeCandidates).where(eq(intakeCandidates.id, id)).get();
    if (!row) throw new DomainError('not_found', `candidate ${id} does not exist`);
    return row;
  }

  /** Turns the candidate into a report (→ case, DOMAIN.md §2 step 1) with its snapshot as the photo. */
  accept(ctx: ServiceContext, id: string, input: unknown): { candidate: CandidateRow; case: CaseState } {
    requirePermission(ctx, 'candidate.decide');
    const body = parseOrThrow(acceptSchema, input ?? {}, 'body');
    // Everything below is synchronous (better-sqlite3): no other request interleaves between the check and the write.
    const row = this.get(ctx, id);
    if (row.status !== 'pending') {
      throw new DomainError('conflict', `candidate ${id} is already ${row.status}`);
    }
    const category =
      body.category ??
      (row.categoryKind && row.categoryCode ? { kind: row.categoryKind, code: row.categoryCode } : undefined);
    if (!category)
      throw new DomainError('invalid', 'body.category: this candidate has no category; choose one', 'body.category');
    const location =
      body.location ?? (row.lon !== null && row.lat !== null ? { lon: row.lon, lat: row.lat } : undefined);
    if (!location)
      throw new DomainError('invalid', 'body.location: this candidate has no position; give one', 'body.location');
    return this.deps.db.transaction(() => {
      const { state } = this.deps.intake.report(ctx, {
        clientReportId: `candidate:${row.id}`,
        source: row.source === 'camera' ? 'video' : 'vehicle',
        category,
        location,
        description: body.description ?? row.description,
        photos: row.photoSha256 ? [row.photoSha256] : [],
      });
      const decided = {
        status: 'accepted' as const,
        decidedBy: ctx.principal.userId,
        decidedAt: this.deps.now(),
        caseId: state.caseId,
      };
      this.deps.db.update(intakeCandidates).set(decided).where(eq(intakeCandidates.id, id)).run();
      this.audit(ctx, 'candidate.accept', id, { caseId: state.caseId });
      return { candidate: { ...row, ...decided }, case: state };
    });
  }

  dismiss(ctx: ServiceContext, id: string, input: unknown): CandidateRow {
    requirePermission(ctx, 'candidate.decide');
    const body = parseOrThrow(dismissSchema, input ?? {}, 'body');
    const row = this.get(ctx, id);
    if (row.status !== 'pending') throw new DomainError('conflict', `candidate ${id} is already ${row.status}`);
    const decided = {
      status: 'dismissed' as const,
      decidedBy: ctx.principal.userId,
      decidedAt: this.deps.now(),
      decisionNote: body.reason,
    };
    this.deps.db.transaction(() => {
      this.deps.db.update(intakeCandidates).set(decided).where(eq(intakeCandidates.id, id)).run();
      this.audit(ctx, 'candidate.dismiss', id, { reason: body.reason });
    });
    return { ...row, ...decided };
  }

  pendingCount(): number {
    return (
      this.deps.db
        .select({ n: sql<number>`count(*)` })
        .from(intakeCandidates)
        .where(eq(intakeCandidates.status, 'pending'))
        .get()?.n ?? 0
    );
  }

  private repeatOf(dedupeKey: string, since: number) {
    return this.deps.db
      .select({ id: intakeCandidates.id })
      .from(intakeCandidates)
      .where(and(eq(intakeCandidates.dedupeKey, dedupeKey), gte(intakeCandidates.lastObservedAt, since)))
      .orderBy(desc(intakeCandidates.lastObservedAt))
      .limit(1)
      .get();
  }

  private countRepeat(id: string, observedAt: number): { id: string; created: false } {
    this.deps.db
      .update(intakeCandidates)
      .set({
        repeats: sql`${intakeCandidates.repeats} + 1`,
        lastObservedAt: sql`max(${intakeCandidates.lastObservedAt}, ${observedAt})`,
      })
      .where(eq(intakeCandidates.id, id))
      .run();
    return { id, created: false };
  }

  private audit(ctx: ServiceContext, action: string, target: string, detail: unknown): void {
    appendAudit(this.deps.db, {
      at: new Date(this.deps.now()).toISOString(),
      actorId: ctx.principal.userId,
      actorRole: ctx.principal.role,
      action,
      target,
      detail,
      ip: ctx.ip,
    });
  }
}
