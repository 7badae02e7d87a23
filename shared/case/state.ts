import type { ClockStep, StepClock, TimeLimit } from '../clock/types.js';
import type { CaseEventType, Origin, SpecialOp } from './events.js';
import type { Role } from './roles.js';
import type { CaseStatus, StatusCategory } from './status.js';

export interface ActorRef {
  userId: string;
  role: Role;
}

/** Why an event did not take effect. Every event that is not applied appears here: nothing is dropped silently. */
export interface CaseConflict {
  eventId: string | null;
  type: string | null;
  origin: string | null;
  seq: number | null;
  kind: 'invalid' | 'integrity' | 'unauthorised' | 'transition' | 'superseded' | 'overruled';
  reason: string;
}

export interface TimelineEntry {
  eventId: string;
  type: CaseEventType;
  origin: Origin;
  seq: number;
  hlc: string;
  at: string;
  actor: ActorRef;
  provisional: boolean;
  outcome: 'applied' | 'conflict';
}

/** One special-operation request and its decision: the ledger (台帐) of DOMAIN.md §2. */
export interface SpecialOpRecord {
  requestId: string;
  op: SpecialOp;
  reason: string;
  extra: TimeLimit | null;
  requestedAt: string;
  requestedBy: ActorRef;
  decision: { approved: boolean; at: string; by: ActorRef; note: string | null; eventId: string } | null;
}

export interface ProvisionalDecision {
  eventId: string;
  type: CaseEventType;
  origin: Origin;
  state: 'pending' | 'confirmed';
}

export interface CaseState {
  caseId: string | null;
  status: CaseStatus;
  category: StatusCategory;
  district: string | null;
  caseNumber: string | null;
  source: string | null;
  categoryRef: { kind: 'component' | 'matter'; code: string } | null;
  location: { lon: number; lat: number; address: string | null } | null;
  gridCode: string | null;
  componentId: string | null;
  description: string | null;
  clientReportId: string | null;
  urgency: 'A' | 'B' | 'C' | null;
  /** The filing condition (立案条件) chosen at filing, from the standards table. */
  conditionNo: number | null;
  departmentId: string | null;
  /** The collector sent to verify or check (核实/核查 assignment), until the result is recorded. */
  assignedCollector: string | null;
  verification: 'confirmed' | 'not_found' | null;
  photos: { report: string[]; verification: string[]; handling: string[]; check: string[] };
  /** The status to return to when a 缓办/挂账 ends. */
  resumeTo: CaseStatus | null;
  clocks: Partial<Record<ClockStep, StepClock>>;
  /** Clocks replaced by a restart (rework, return), oldest first: evaluation needs the first attempt. */
  clockHistory: StepClock[];
  reworkCount: number;
  returnCount: number;
  specialOps: SpecialOpRecord[];
  urges: { at: string; by: ActorRef; comment: string; level: 'normal' | 'high'; eventId: string }[];
  provisional: ProvisionalDecision[];
  conflicts: CaseConflict[];
  timeline: TimelineEntry[];
  reportedAt: string | null;
  filedAt: string | null;
  dispatchedAt: string | null;
  closedAt: string | null;
  lastHlc: string | null;
  updatedAt: string | null;
}

export function emptyCase(): CaseState {
  return {
    caseId: null,
    status: 'none',
    category: 'none',
    district: null,
    caseNumber: null,
    source: null,
    categoryRef: null,
    location: null,
    gridCode: null,
    componentId: null,
    description: null,
    clientReportId: null,
    urgency: null,
    conditionNo: null,
    departmentId: null,
    assignedCollector: null,
    verification: null,
    photos: { report: [], verification: [], handling: [], check: [] },
    resumeTo: null,
    clocks: {},
    clockHistory: [],
    reworkCount: 0,
    returnCount: 0,
    specialOps: [],
    urges: [],
    provisional: [],
    conflicts: [],
    timeline: [],
    reportedAt: null,
    filedAt: null,
    dispatchedAt: null,
    closedAt: null,
    lastHlc: null,
    updatedAt: null,
  };
}

/** The open (undecided) request for an operation, if any. */
export function pendingRequest(c: CaseState, op: SpecialOp): SpecialOpRecord | undefined {
  return c.specialOps.find((r) => r.op === op && r.decision === null);
}
