import type { Actor, ClockView, Role } from '../types.js';

/** A district as central's overview reports it (GET /api/v1/districts). */
export interface DistrictRow {
  district: string;
  link: 'up' | 'down' | 'never';
  lastContactAt: string | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
  acked: number;
  backlog: number | null;
  open: number;
  overdue: number;
  withConflicts: number;
  provisionalPending: number;
  integrityAlarms: number;
}

/** A city-wide case row (GET /api/v1/console/city/cases). */
export interface CityCaseRow {
  id: string;
  district: string;
  caseNumber: string | null;
  status: string;
  conflicts: number;
  provisionalPending: number;
  due: number | null;
  updatedAt: string | null;
  description: string | null;
  overdue: boolean;
  categoryRef: { kind: 'component' | 'matter'; code: string } | null;
  gridCode: string | null;
  urged: number;
  clock: ClockView | null;
}

export interface CityTimelineEntry {
  eventId: string;
  type: string;
  origin: string;
  seq: number;
  at: string;
  actor: Actor;
  provisional: boolean;
  outcome: 'applied' | 'conflict';
}

/** Central's case state (the shared fold), the parts the city's screens read. */
export interface CityCase {
  caseId: string;
  status: string;
  district: string | null;
  caseNumber: string | null;
  source: string | null;
  categoryRef: { kind: 'component' | 'matter'; code: string } | null;
  location: { lon: number; lat: number; address: string | null } | null;
  gridCode: string | null;
  description: string | null;
  urgency: string | null;
  departmentId: string | null;
  assignedCollector: string | null;
  reworkCount: number;
  specialOps: { requestId: string; op: string; reason: string }[];
  urges: { at: string; by: Actor; comment: string; level: string; eventId: string }[];
  provisional: { eventId: string; type: string; origin: string; state: 'pending' | 'confirmed' }[];
  conflicts: { eventId: string | null; type: string | null; origin: string | null; kind: string; reason: string }[];
  timeline: CityTimelineEntry[];
  /** Photo hashes by step; the bytes come from central per case (`/api/v1/cases/{id}/photos/{sha256}`). */
  photos: { report: string[]; verification: string[]; handling: string[]; check: string[] };
  reportedAt: string | null;
}

export interface ProvisionalRow {
  caseId: string;
  caseNumber: string | null;
  district: string;
  status: string;
  description: string | null;
  eventId: string;
  type: string;
  origin: string;
  at: string | null;
  actor: { userId: string; role: Role } | null;
}
