import { z } from 'zod';
import { parseOrThrow } from '../validation.js';
import {
  type CollectorFacts,
  collectorFactsSchema,
  type DepartmentFacts,
  type DispatcherFacts,
  departmentFactsSchema,
  dispatcherFactsSchema,
  type RegionFacts,
  regionFactsSchema,
  type ShiftLeadFacts,
  shiftLeadFactsSchema,
} from './facts.js';

/**
 * part ÷ whole, or null when whole is 0. A rate over nothing is "not applicable" (a collector given no checks has no
 * on-time check rate), never NaN or Infinity; composite scores leave such indicators out and renormalise.
 */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Which way an indicator is good; 'lower' ones score as (1 − value) × 100. */
export type Better = 'higher' | 'lower';

/** Describes one indicator (DOMAIN.md §7): its key, its Chinese name and the direction that is good. */
export interface IndicatorInfo {
  key: string;
  label: string;
  better: Better;
}

/** Collector indicators, in report order. */
export const collectorIndicatorList = [
  { key: 'validReportRate', label: '有效上报率', better: 'higher' },
  { key: 'missRate', label: '漏报率', better: 'lower' },
  { key: 'onTimeVerifyRate', label: '按时核实率', better: 'higher' },
  { key: 'onTimeCheckRate', label: '按时核查率', better: 'higher' },
] as const satisfies readonly IndicatorInfo[];
export type CollectorIndicatorKey = (typeof collectorIndicatorList)[number]['key'];

/** Shift lead indicators, in report order. */
export const shiftLeadIndicatorList = [
  { key: 'onTimeFilingRate', label: '按时立案率', better: 'higher' },
  { key: 'accurateFilingRate', label: '准确立案率', better: 'higher' },
  { key: 'onTimeClosingRate', label: '按时结案率', better: 'higher' },
] as const satisfies readonly IndicatorInfo[];
export type ShiftLeadIndicatorKey = (typeof shiftLeadIndicatorList)[number]['key'];

/** Dispatcher indicators, in report order; the dispatch-count score is min(1, dispatched ÷ target). */
export const dispatcherIndicatorList = [
  { key: 'dispatchCountScore', label: '派遣数得分', better: 'higher' },
  { key: 'onTimeDispatchRate', label: '按时派遣率', better: 'higher' },
  { key: 'accurateDispatchRate', label: '准确派遣率', better: 'higher' },
] as const satisfies readonly IndicatorInfo[];
export type DispatcherIndicatorKey = (typeof dispatcherIndicatorList)[number]['key'];

/** Department indicators, in report order (超期处置数 is a count and reported beside them). */
export const departmentIndicatorList = [
  { key: 'handlingRate', label: '处置率', better: 'higher' },
  { key: 'onTimeHandlingRate', label: '按期处置率', better: 'higher' },
  { key: 'reworkRate', label: '返工率', better: 'lower' },
  { key: 'closingRate', label: '结案率', better: 'higher' },
  { key: 'onTimeClosingRate', label: '按期结案率', better: 'higher' },
] as const satisfies readonly IndicatorInfo[];
export type DepartmentIndicatorKey = (typeof departmentIndicatorList)[number]['key'];

/** Region indicators: 监督举报率 (lower is better: the public found what collectors should have) plus handling. */
export const regionIndicatorList = [
  { key: 'supervisionReportRate', label: '监督举报率', better: 'lower' },
  ...departmentIndicatorList,
] as const satisfies readonly IndicatorInfo[];
export type RegionIndicatorKey = (typeof regionIndicatorList)[number]['key'];

/** Indicator values in [0, 1], null where not applicable. */
export type IndicatorValues<K extends string> = Record<K, number | null>;

/** Collector indicators from validated facts (errors name the field, under `facts`). */
export function collectorIndicators(facts: CollectorFacts): IndicatorValues<CollectorIndicatorKey> {
  const f = parseOrThrow(collectorFactsSchema, facts, 'facts');
  return {
    validReportRate: ratio(f.validReports, f.reports),
    missRate: ratio(f.missed, f.filed),
    onTimeVerifyRate: ratio(f.verifiedOnTime, f.toVerify),
    onTimeCheckRate: ratio(f.checkedOnTime, f.toCheck),
  };
}

/** Shift lead indicators; 准确立案率 = (filed − voided) ÷ filed. */
export function shiftLeadIndicators(facts: ShiftLeadFacts): IndicatorValues<ShiftLeadIndicatorKey> {
  const f = parseOrThrow(shiftLeadFactsSchema, facts, 'facts');
  return {
    onTimeFilingRate: ratio(f.filedOnTime, f.filed),
    accurateFilingRate: ratio(f.filed - f.voided, f.filed),
    onTimeClosingRate: ratio(f.closedOnTime, f.toClose),
  };
}

/** Zod schema for the dispatch-count target (config): dispatches expected of one dispatcher in the period. */
export const dispatchTargetSchema = z
  .int({ error: 'must be a whole number' })
  .positive({ error: 'must be at least 1 (dispatches expected in the period)' });

/**
 * Dispatcher indicators; 准确派遣率 = (dispatched − reworked) ÷ toDispatch. The count score is null, like the rates,
 * when nothing was due for dispatch: a dispatcher with no work in the period is not graded on volume.
 */
export function dispatcherIndicators(
  facts: DispatcherFacts,
  dispatchTarget: number,
): IndicatorValues<DispatcherIndicatorKey> {
  const f = parseOrThrow(dispatcherFactsSchema, facts, 'facts');
  const target = parseOrThrow(dispatchTargetSchema, dispatchTarget, 'dispatchTarget');
  return {
    dispatchCountScore: f.toDispatch === 0 ? null : Math.min(1, f.dispatched / target),
    onTimeDispatchRate: ratio(f.dispatchedOnTime, f.toDispatch),
    accurateDispatchRate: ratio(f.dispatched - f.reworked, f.toDispatch),
  };
}

function handlingIndicators(f: DepartmentFacts): IndicatorValues<DepartmentIndicatorKey> & { overdueHandled: number } {
  return {
    handlingRate: ratio(f.handled, f.toHandle),
    onTimeHandlingRate: ratio(f.handledOnTime, f.toHandle),
    reworkRate: ratio(f.reworked, f.toClose),
    closingRate: ratio(f.closed, f.toClose),
    onTimeClosingRate: ratio(f.closedOnTime, f.toClose),
    // 超期处置数: handled, but after the deadline.
    overdueHandled: f.handled - f.handledOnTime,
  };
}

/** Department indicators, plus 超期处置数 (overdueHandled, a count). */
export function departmentIndicators(
  facts: DepartmentFacts,
): IndicatorValues<DepartmentIndicatorKey> & { overdueHandled: number } {
  return handlingIndicators(parseOrThrow(departmentFactsSchema, facts, 'facts'));
}

/** Region indicators (监督举报率 = publicReportsVerified ÷ filed), plus 超期处置数 (overdueHandled). */
export function regionIndicators(facts: RegionFacts): IndicatorValues<RegionIndicatorKey> & { overdueHandled: number } {
  const f = parseOrThrow(regionFactsSchema, facts, 'facts');
  return { supervisionReportRate: ratio(f.publicReportsVerified, f.filed), ...handlingIndicators(f) };
}
