import type { reportSources } from '../../shared/case/events.js';
import type { CaseStatus } from '../../shared/case/status.js';
import { type WorkingCalendar, workingTimeBetween } from '../../shared/clock/index.js';
import { CASE_CATEGORIES, type CaseCategory } from './catalogue.js';
import { Random, WeightedPicker } from './random.js';

/** How a demo case is meant to go (the history covers every one). */
export const outcomes = [
  'closed_on_time',
  'closed_late',
  'rework',
  'returned',
  'extended',
  'extension_denied',
  'postponed_resumed',
  'ledgered',
  'ledger_restored',
  'voided',
  'rejected',
  'urged',
] as const;
export type Outcome = (typeof outcomes)[number];

/** Every open status appears in the demo: these cases stop there. */
export const openTargets = [
  'reported',
  'accepted',
  'verifying',
  'verified',
  'filed',
  'dispatched',
  'handling',
  'handled',
  'checking',
  'check_failed',
  'checked',
  'postponed',
  'ledgered',
] as const satisfies readonly CaseStatus[];

type Source = (typeof reportSources)[number];

export interface CasePlan {
  index: number;
  outcome: Outcome;
  /** The case stops (stays open) once it reaches this status. */
  stopAt: CaseStatus | null;
  source: Source;
  category: CaseCategory;
  reportAt: number;
  random: Random;
}

const OUTCOME_WEIGHTS: readonly (readonly [Outcome, number])[] = [
  ['closed_on_time', 62],
  ['closed_late', 9],
  ['rework', 7],
  ['returned', 3],
  ['extended', 3],
  ['extension_denied', 1],
  ['postponed_resumed', 2.5],
  ['ledgered', 1],
  ['ledger_restored', 1],
  ['voided', 3],
  ['rejected', 5],
  ['urged', 2.5],
];

const SOURCES: readonly (readonly [Source, number])[] = [
  ['collector', 70],
  ['hotline', 15],
  ['public', 7],
  ['video', 5],
  ['leader', 3],
];

const DAY = 86_400_000;

/**
 * A report time on a day within the spec: collectors report during patrols (07:30–18:30 local), the others at any
 * hour from 07:00 to 22:00.
 */
function dayTime(spec: { from: number; to: number }, source: Source, random: Random, offsetMs: number): number {
  const localMidnight = Math.floor((random.between(spec.from, spec.to) + offsetMs) / DAY) * DAY - offsetMs;
  const [h0, h1] = source === 'collector' ? [7.5, 18.5] : [7, 22];
  return Math.min(spec.to, localMidnight + random.between(h0, h1) * 3_600_000);
}

/** The outcome a case needs to pass through an open status on its way (late ones stay overdue where they stop). */
function outcomeFor(status: CaseStatus): Outcome {
  if (status === 'check_failed') return 'rework';
  if (status === 'postponed') return 'postponed_resumed';
  if (status === 'ledgered') return 'ledgered';
  if (status === 'filed' || status === 'dispatched' || status === 'handling') return 'closed_late';
  return 'closed_on_time';
}

const INTAKE: readonly CaseStatus[] = ['reported', 'accepted', 'verifying', 'verified'];
const AFTER_HANDLING: readonly CaseStatus[] = ['handled', 'checking', 'check_failed', 'checked'];

/**
 * The start of the last stretch before `end` that holds `hours` of working time: reports stuck in intake come from
 * there, so they are recent yet their intake steps (working minutes each) still happen before the end.
 */
export function recentWorkingStart(calendar: WorkingCalendar, end: number, hours: number): number {
  let from = end;
  while (workingTimeBetween(calendar, from, end) < hours * 3_600_000) from -= 1_800_000;
  return from;
}

function sourceFor(status: CaseStatus, random: Random, sources: WeightedPicker<Source>): Source {
  if (status === 'verifying' || status === 'verified') return 'hotline';
  if (status === 'accepted') return 'collector';
  return sources.pick(random);
}

/**
 * The plan of every case: at least one of each outcome early enough to finish, at least `openPerStatus` cases
 * stuck in each open status (intake ones from the last days, the others older, so they are overdue), and the
 * rest drawn by weight over the whole span (the last days' cases are naturally still running). Never fewer cases
 * than the guaranteed ones: outcomes.length + openTargets.length × openPerStatus.
 */
export function planCases(
  count: number,
  span: { start: number; end: number },
  seed: number,
  openPerStatus: number,
  calendar: WorkingCalendar,
): CasePlan[] {
  const random = new Random(seed);
  const categories = new WeightedPicker(CASE_CATEGORIES.map((c) => [c, c.weight] as const));
  const pickOutcome = new WeightedPicker(OUTCOME_WEIGHTS);
  const sources = new WeightedPicker(SOURCES);
  const early = span.start + (span.end - span.start) * 0.4;
  const specs: { outcome: Outcome; stopAt: CaseStatus | null; from: number; to: number }[] = [];
  for (const outcome of outcomes) specs.push({ outcome, stopAt: null, from: span.start, to: early });
  const recent = recentWorkingStart(calendar, span.end, 4);
  const offsetMs = calendar.utcOffsetMinutes * 60_000;
  for (const status of openTargets) {
    // Intake: the last working hours. After handling: old enough for the longest limit (10 working days) to pass.
    const after = AFTER_HANDLING.includes(status);
    const [from, to] = INTAKE.includes(status)
      ? [recent, recent + 3_600_000]
      : [span.end - (after ? 30 : 25) * DAY, span.end - (after ? 18 : 6) * DAY];
    for (let i = 0; i < openPerStatus; i++) specs.push({ outcome: outcomeFor(status), stopAt: status, from, to });
  }
  while (specs.length < count) {
    specs.push({ outcome: pickOutcome.pick(random), stopAt: null, from: span.start, to: span.end - DAY / 2 });
  }
  random.shuffle(specs);
  return specs.map((spec, index) => {
    const own = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const source = spec.stopAt ? sourceFor(spec.stopAt, own, sources) : sources.pick(own);
    const category = categories.pick(own);
    const reportAt = Math.round(
      spec.to - spec.from < DAY ? own.between(spec.from, spec.to) : dayTime(spec, source, own, offsetMs),
    );
    return { index, outcome: spec.outcome, stopAt: spec.stopAt, source, category, reportAt, random: own };
  });
}
