import type { Role } from '../../shared/case/roles.js';

export type { Role };
export type Light = 'green' | 'yellow' | 'red';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
}

export interface ClockView {
  step: string;
  state: 'running' | 'stopped' | 'suspended';
  light: Light;
  overdue: boolean;
  usedFraction: number;
  deadline: number | null;
  remainingMs: number | null;
}

export interface CaseRow {
  id: string;
  caseNumber: string | null;
  status: string;
  category: string;
  categoryKind: string | null;
  categoryCode: string | null;
  gridCode: string | null;
  departmentId: string | null;
  description: string | null;
  reportedAt: string | null;
  activeStep: string | null;
  urged: number;
  conflicts: number;
  provisionalPending: number;
  pendingApprovals: number;
  clock: ClockView | null;
}

export interface CasePage {
  items: CaseRow[];
  total: number;
  limit: number;
  offset: number;
}

export interface Actor {
  userId: string;
  role: Role;
}

export interface SpecialOpRecord {
  requestId: string;
  op: string;
  reason: string;
  requestedAt: string;
  requestedBy: Actor;
  decision: { approved: boolean; at: string; by: Actor; note: string | null } | null;
}

export interface CaseState {
  caseId: string;
  status: string;
  caseNumber: string | null;
  source: string | null;
  categoryRef: { kind: 'component' | 'matter'; code: string } | null;
  location: { lon: number; lat: number; address: string | null } | null;
  gridCode: string | null;
  description: string | null;
  urgency: string | null;
  departmentId: string | null;
  assignedCollector: string | null;
  photos: { report: string[]; verification: string[]; handling: string[]; check: string[] };
  reworkCount: number;
  specialOps: SpecialOpRecord[];
  urges: { at: string; by: Actor; comment: string; level: string }[];
  provisional: { eventId: string; type: string; state: 'pending' | 'confirmed' }[];
  conflicts: { eventId: string | null; type: string | null; kind: string; reason: string }[];
  timeline: {
    eventId: string;
    type: string;
    at: string;
    actor: Actor;
    provisional: boolean;
    outcome: 'applied' | 'conflict';
  }[];
  reportedAt: string | null;
}

export interface CaseBody {
  case: CaseState;
  clocks: ClockView[];
}

export interface CaseEvent {
  id: string;
  type: string;
  at: string;
  actor: Actor;
  provisional?: boolean;
  payload: Record<string, unknown>;
}

export interface Category {
  kind: 'component' | 'matter';
  code: string;
  name: string;
  majorName: string;
}
