import { z } from 'zod';
import { parseOrThrow } from '../validation.js';
import type { CollectorFacts, DepartmentFacts, DispatcherFacts, ShiftLeadFacts } from './facts.js';
import {
  type CollectorIndicatorKey,
  collectorIndicatorList,
  collectorIndicators,
  type DepartmentIndicatorKey,
  type DispatcherIndicatorKey,
  departmentIndicatorList,
  departmentIndicators,
  dispatcherIndicatorList,
  dispatcherIndicators,
  dispatchTargetSchema,
  type ShiftLeadIndicatorKey,
  shiftLeadIndicatorList,
  shiftLeadIndicators,
} from './indicators.js';
import { defaultGradeBands, gradeBandsSchema, type Scorecard, scorecard, weightsSchema } from './scoring.js';

// Weights are config (DOMAIN.md §7: the standard's weights are informative examples). Defaults live here as
// frozen constants and in the schemas' .default(), so a city config may name only what it changes.

/** Config default collector weights (CJ/T 292 example): 40 % valid reports, 20 % each (1 − miss), verify, check. */
export const defaultCollectorWeights: Readonly<Record<CollectorIndicatorKey, number>> = Object.freeze({
  validReportRate: 0.4,
  missRate: 0.2,
  onTimeVerifyRate: 0.2,
  onTimeCheckRate: 0.2,
});

/** Config default shift lead weights (CJ/T 292 example): 25 % on-time filing, 40 % accurate filing, 35 % closing. */
export const defaultShiftLeadWeights: Readonly<Record<ShiftLeadIndicatorKey, number>> = Object.freeze({
  onTimeFilingRate: 0.25,
  accurateFilingRate: 0.4,
  onTimeClosingRate: 0.35,
});

/** Config default dispatcher weights (CJ/T 292 example): 20 % dispatch count, 40 % on time, 40 % accurate. */
export const defaultDispatcherWeights: Readonly<Record<DispatcherIndicatorKey, number>> = Object.freeze({
  dispatchCountScore: 0.2,
  onTimeDispatchRate: 0.4,
  accurateDispatchRate: 0.4,
});

/**
 * Config default department weights. These are our defaults, not from the standard: on-time handling weighs most
 * as the department's own clock; 按期结案率 is reported but weighted 0 because it largely repeats 按期处置率.
 */
export const defaultDepartmentWeights: Readonly<Record<DepartmentIndicatorKey, number>> = Object.freeze({
  handlingRate: 0.2,
  onTimeHandlingRate: 0.4,
  reworkRate: 0.2,
  closingRate: 0.2,
  onTimeClosingRate: 0,
});

const grades = gradeBandsSchema.default(() => [...defaultGradeBands]);

/** Zod schema for collector scoring config; weights and grades default as above. */
export const collectorScoringSchema = z.strictObject({
  weights: weightsSchema(collectorIndicatorList).default(() => ({ ...defaultCollectorWeights })),
  grades,
});
export type CollectorScoring = z.input<typeof collectorScoringSchema>;

/** Zod schema for shift lead scoring config. */
export const shiftLeadScoringSchema = z.strictObject({
  weights: weightsSchema(shiftLeadIndicatorList).default(() => ({ ...defaultShiftLeadWeights })),
  grades,
});
export type ShiftLeadScoring = z.input<typeof shiftLeadScoringSchema>;

/** Zod schema for dispatcher scoring config; the dispatch target has no default (it depends on period and city). */
export const dispatcherScoringSchema = z.strictObject({
  dispatchTarget: dispatchTargetSchema,
  weights: weightsSchema(dispatcherIndicatorList).default(() => ({ ...defaultDispatcherWeights })),
  grades,
});
export type DispatcherScoring = z.input<typeof dispatcherScoringSchema>;

/** Zod schema for department scoring config. */
export const departmentScoringSchema = z.strictObject({
  weights: weightsSchema(departmentIndicatorList).default(() => ({ ...defaultDepartmentWeights })),
  grades,
});
export type DepartmentScoring = z.input<typeof departmentScoringSchema>;

/** Zod schema for the whole evaluation section of a city's config. */
export const evaluationConfigSchema = z.strictObject({
  collector: collectorScoringSchema.prefault({}),
  shiftLead: shiftLeadScoringSchema.prefault({}),
  dispatcher: dispatcherScoringSchema,
  department: departmentScoringSchema.prefault({}),
});
export type EvaluationConfig = z.output<typeof evaluationConfigSchema>;

/** A collector's scorecard (综合指标值 and grade) for the period. */
export function scoreCollector(facts: CollectorFacts, config: CollectorScoring = {}): Scorecard<CollectorIndicatorKey> {
  const { weights, grades } = parseOrThrow(collectorScoringSchema, config, 'config');
  return scorecard(collectorIndicatorList, collectorIndicators(facts), weights, grades);
}

/** A shift lead's scorecard for the period. */
export function scoreShiftLead(facts: ShiftLeadFacts, config: ShiftLeadScoring = {}): Scorecard<ShiftLeadIndicatorKey> {
  const { weights, grades } = parseOrThrow(shiftLeadScoringSchema, config, 'config');
  return scorecard(shiftLeadIndicatorList, shiftLeadIndicators(facts), weights, grades);
}

/** A dispatcher's scorecard for the period; the config must name the dispatch target. */
export function scoreDispatcher(facts: DispatcherFacts, config: DispatcherScoring): Scorecard<DispatcherIndicatorKey> {
  const { dispatchTarget, weights, grades } = parseOrThrow(dispatcherScoringSchema, config, 'config');
  return scorecard(dispatcherIndicatorList, dispatcherIndicators(facts, dispatchTarget), weights, grades);
}

/** A department's scorecard for the period (超期处置数 is in departmentIndicators, not scored). */
export function scoreDepartment(
  facts: DepartmentFacts,
  config: DepartmentScoring = {},
): Scorecard<DepartmentIndicatorKey> {
  const { weights, grades } = parseOrThrow(departmentScoringSchema, config, 'config');
  return scorecard(departmentIndicatorList, departmentIndicators(facts), weights, grades);
}
