import { createHash } from 'node:crypto';
import { and, between, eq, gt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { reportSources } from '../../shared/case/events.js';
import { canonicalJson } from '../../shared/case/fold.js';
import type { CaseState } from '../../shared/case/state.js';
import type { CategoryDirectory } from '../../shared/codes/index.js';
import { haversineM } from '../../shared/geo/index.js';
import { newId } from '../../shared/identity/ids.js';
import { parseOrThrow } from '../../shared/validation.js';
import type { CaseStore } from '../cases/case.store.js';
import type { ServiceContext } from '../cases/workflow.service.js';
import { actorOf, requirePermission } from '../cases/workflow.service.js';
import type { EdgeConfig } from '../config/edge-config.js';
import type { EdgeDb } from '../db/open.js';
import { blobs, cases, reportKeys } from '../db/schema.js';
import { DomainError } from '../errors.js';
import type { Geocoder } from './geocoder.js';

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, { error: `at most ${max} characters` });

/** A report from a handset, the hotline desk or an integration (photos already uploaded as blobs). */
export const reportInputSchema = z.strictObject({
  clientReportId: text(100).min(1, { error: 'must not be empty' }).optional(),
  source: z.enum(reportSources, { error: `must be one of ${reportSources.join(', ')}` }).default('collector'),
  category: z.strictObject({
    kind: z.enum(['component', 'matter'], { error: 'must be component or matter' }),
    code: z
      .string({ error: 'must be a string' })
      .regex(/^\d{5}$/, { error: 'must be a 5-digit category code (2 major + 3 minor)' }),
  }),
  location: z.strictObject({
    lon: z
      .number({ error: 'must be a number' })
      .min(-180, { error: 'must be ≥ -180' })
      .max(180, { error: 'must be ≤ 180' }),
    lat: z
      .number({ error: 'must be a number' })
      .min(-90, { error: 'must be ≥ -90' })
      .max(90, { error: 'must be ≤ 90' }),
    address: text(500).optional(),
  }),
  description: text(4000).min(1, { error: 'is required' }),
  componentId: z
    .string()
    .regex(/^\d{16,17}$/, { error: 'must be a 16- or 17-digit component id' })
    .optional(),
  reporter: z.strictObject({ name: text(100).optional(), phone: text(30).optional() }).optional(),
  photos: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be the sha256 of an uploaded photo' }))
    .max(20)
    .default([]),
});
export type ReportInput = z.input<typeof reportInputSchema>;

export interface IntakeDeps {
  db: EdgeDb;
  store: CaseStore;
  config: EdgeConfig;
  directory: CategoryDirectory;
  geocoder: Geocoder;
  now: () => number;
}

const keyOf = (ctx: ServiceContext, clientReportId: string) => `${ctx.principal.userId}:${clientReportId}`;

/** What identifies a report across retries: everything but its photos (a retried upload re-renders them). */
function reportHash(r: z.output<typeof reportInputSchema>): string {
  const { photos: _photos, ...rest } = r;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Intake (信息采集 → 受理): validates, places the report in a grid, and creates the case idempotently. */
export class IntakeService {
  constructor(private readonly deps: IntakeDeps) {}

  /**
   * Checks a report without writing anything (the upload route calls it before it stores any photo).
   * Returns the case already created for the same client report id, if any.
   */
  validate(
    ctx: ServiceContext,
    input: unknown,
  ): {
    report: z.output<typeof reportInputSchema>;
    place: ReturnType<Geocoder['locate']>;
    existing: CaseState | undefined;
  } {
    requirePermission(ctx, 'report.create');
    const r = parseOrThrow(reportInputSchema, input, 'report');
    const existing = r.clientReportId ? this.existing(ctx, r) : undefined;
    if (existing) return { report: r, place: undefined, existing };
    if (!this.deps.directory.isKnown(r.category.kind, r.category.code)) {
      throw new DomainError(
        'invalid',
        `report.category: unknown ${r.category.kind} category ${r.category.code} (GB/T 47678.5 or a configured extension)`,
        'report.category',
      );
    }
    const place = this.deps.geocoder.locate(r.location.lon, r.location.lat);
    if (this.deps.geocoder.hasGrids && !place) {
      throw new DomainError(
        'invalid',
        `report.location: (${r.location.lon}, ${r.location.lat}) is outside district ${this.deps.config.district.division}'s unit grids`,
        'report.location',
      );
    }
    return { report: r, place, existing: undefined };
  }

  /** Returns the case and whether it was created now (false: the client report id was seen before). */
  report(ctx: ServiceContext, input: unknown): { state: CaseState; created: boolean } {
    const { report: r, place, existing } = this.validate(ctx, input);
    if (existing) return { state: existing, created: false };
    this.requirePhotos(r.photos);
    const componentId =
      r.componentId ??
      (r.category.kind === 'component'
        ? this.deps.geocoder.nearestComponent(r.location.lon, r.location.lat, r.category.code, 30)?.id
        : undefined);
    const caseId = newId();
    const payload = {
      district: this.deps.config.district.division,
      source: r.source,
      category: r.category,
      location: r.location,
      ...(place ? { gridCode: place.gridCode } : {}),
      ...(componentId ? { componentId } : {}),
      description: r.description,
      photos: r.photos,
      ...(r.clientReportId ? { clientReportId: r.clientReportId } : {}),
      ...(r.reporter ? { reporter: r.reporter } : {}),
      limit: this.deps.config.limits.accept,
    };
    try {
      const state = this.deps.store.append(
        caseId,
        [{ type: 'reported', payload }],
        { actor: actorOf(ctx), ip: ctx.ip, action: 'report.create' },
        () => {
          if (r.clientReportId) {
            this.deps.db
              .insert(reportKeys)
              .values({
                clientReportId: keyOf(ctx, r.clientReportId),
                caseId,
                reportHash: reportHash(r),
                createdAt: new Date(this.deps.now()).toISOString(),
              })
              .run();
          }
        },
      );
      return { state, created: true };
    } catch (err) {
      // A concurrent retry with the same client report id won the race: answer with its case.
      const seen = r.clientReportId ? this.existing(ctx, r) : undefined;
      if (seen) return { state: seen, created: false };
      throw err;
    }
  }

  /** Open cases of the same category within the configured radius and time window: duplicate candidates. */
  duplicates(
    ctx: ServiceContext,
    caseId: string,
  ): { caseId: string; caseNumber: string | null; status: string; distanceM: number }[] {
    requirePermission(ctx, 'case.read');
    const c = this.deps.store.get(caseId);
    if (!c?.location || !c.categoryRef) throw new DomainError('not_found', `case ${caseId} does not exist`);
    const { duplicateRadiusM, duplicateWindowHours } = this.deps.config.intake;
    const since = new Date(Date.parse(c.reportedAt ?? '') - duplicateWindowHours * 3_600_000).toISOString();
    const dLat = duplicateRadiusM / 110_000;
    const dLon = duplicateRadiusM / (110_000 * Math.max(0.01, Math.cos((c.location.lat * Math.PI) / 180)));
    const rows = this.deps.db
      .select({ id: cases.id, caseNumber: cases.caseNumber, status: cases.status, lon: cases.lon, lat: cases.lat })
      .from(cases)
      .where(
        and(
          eq(cases.categoryKind, c.categoryRef.kind),
          eq(cases.categoryCode, c.categoryRef.code),
          gt(cases.reportedAt, since),
          inArray(cases.category, ['intake', 'open', 'suspended']),
          // A box that contains the radius (1° latitude ≈ 110 km; longitude shrinks with cos φ), refined below.
          between(cases.lat, c.location.lat - dLat, c.location.lat + dLat),
          between(cases.lon, c.location.lon - dLon, c.location.lon + dLon),
        ),
      )
      .limit(200)
      .all();
    const here = [c.location.lon, c.location.lat] as const;
    return rows
      .filter((r) => r.id !== caseId && r.lon !== null && r.lat !== null)
      .map((r) => ({
        caseId: r.id,
        caseNumber: r.caseNumber,
        status: r.status,
        distanceM: haversineM(here, [r.lon ?? 0, r.lat ?? 0]),
      }))
      .filter((r) => r.distanceM <= duplicateRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, 20);
  }

  /**
   * The case already created by this user's report id: a retry of the same report returns it; the same id with a
   * different report is refused (409), never merged into someone else's case.
   */
  private existing(ctx: ServiceContext, r: z.output<typeof reportInputSchema>): CaseState | undefined {
    if (!r.clientReportId) return undefined;
    const key = this.deps.db
      .select({ caseId: reportKeys.caseId, hash: reportKeys.reportHash })
      .from(reportKeys)
      .where(eq(reportKeys.clientReportId, keyOf(ctx, r.clientReportId)))
      .get();
    if (!key) return undefined;
    if (key.hash !== reportHash(r)) {
      throw new DomainError(
        'conflict',
        `report.clientReportId: ${r.clientReportId} was already used for a different report`,
        'report.clientReportId',
      );
    }
    return this.deps.store.get(key.caseId);
  }

  private requirePhotos(hashes: readonly string[]): void {
    if (!hashes.length) return;
    const found = new Set(
      this.deps.db
        .select({ sha: blobs.sha256 })
        .from(blobs)
        .where(inArray(blobs.sha256, [...hashes]))
        .all()
        .map((b) => b.sha),
    );
    const missing = hashes.findIndex((h) => !found.has(h));
    if (missing >= 0)
      throw new DomainError(
        'invalid',
        `report.photos[${missing}]: no uploaded photo with this sha256`,
        `report.photos[${missing}]`,
      );
  }
}
