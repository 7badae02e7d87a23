import { z } from 'zod';

// Facts are case counts over one evaluation period for one subject (DOMAIN.md §7). A rate's numerator counts a
// subset of its denominator, so "part ≤ whole" is checked here: a violation means the counting query is wrong.

const count = z
  .int({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number') })
  .nonnegative({ error: 'must be at least 0' });

/** A superRefine step rejecting each [part, whole] pair where part > whole, on the part's path. */
function partsOfWholes<K extends string>(pairs: readonly (readonly [K, K])[]) {
  return (facts: Record<K, number>, ctx: z.RefinementCtx) => {
    for (const [part, whole] of pairs) {
      if (facts[part] > facts[whole]) {
        ctx.addIssue({
          code: 'custom',
          path: [part],
          message: `must be at most ${whole} (${facts[whole]}), got ${facts[part]}`,
        });
      }
    }
  };
}

/** Collector (信息采集员/监督员) facts: counts over the period, for the collector's reports and grids. */
export const collectorFactsSchema = z
  .strictObject({
    /** 上报数: reports made. */
    reports: count,
    /** 有效上报数: reports that became 立案 or 作废. */
    validReports: count,
    /** 应核实数: verification tasks given. */
    toVerify: count,
    /** 按时核实数: verifications done within the step's limit. */
    verifiedOnTime: count,
    /** 应核查数: check tasks given. */
    toCheck: count,
    /** 按时核查数: checks done within the step's limit. */
    checkedOnTime: count,
    /** 立案数: cases filed in the collector's grids. */
    filed: count,
    /** 漏报数: of those, problems first reported by the public and verified. */
    missed: count,
  })
  .superRefine(
    partsOfWholes([
      ['validReports', 'reports'],
      ['verifiedOnTime', 'toVerify'],
      ['checkedOnTime', 'toCheck'],
      ['missed', 'filed'],
    ]),
  );
export type CollectorFacts = z.infer<typeof collectorFactsSchema>;

/** Shift lead (值班长) facts. */
export const shiftLeadFactsSchema = z
  .strictObject({
    /** 立案数: cases the shift lead filed. */
    filed: count,
    /** 按时立案数: of those, filed within the filing step's limit. */
    filedOnTime: count,
    /** 作废数: of those, later voided (not accurately filed). */
    voided: count,
    /** 应结案数: cases that passed their check and were due for closing by the shift lead. */
    toClose: count,
    /** 按时结案数: of those, closed within the closing step's limit. */
    closedOnTime: count,
  })
  .superRefine(
    partsOfWholes([
      ['filedOnTime', 'filed'],
      ['voided', 'filed'],
      ['closedOnTime', 'toClose'],
    ]),
  );
export type ShiftLeadFacts = z.infer<typeof shiftLeadFactsSchema>;

/** Dispatcher (派遣员) facts. */
export const dispatcherFactsSchema = z
  .strictObject({
    /** 应派遣数: cases due for dispatch. */
    toDispatch: count,
    /** 派遣数: of those, dispatched. */
    dispatched: count,
    /** 按时派遣数: of those, dispatched within the dispatch step's limit. */
    dispatchedOnTime: count,
    /** 返工数: dispatched cases sent back for rework (counted once per case, not per round). */
    reworked: count,
  })
  .superRefine(
    partsOfWholes([
      ['dispatched', 'toDispatch'],
      ['dispatchedOnTime', 'dispatched'],
      ['reworked', 'dispatched'],
    ]),
  );
export type DispatcherFacts = z.infer<typeof dispatcherFactsSchema>;

const handlingShape = {
  /** 应处置数: cases dispatched to the subject and due for handling. */
  toHandle: count,
  /** 处置数: of those, handled. */
  handled: count,
  /** 按期处置数: of those, handled within the handling limit (超期处置数 = handled − handledOnTime). */
  handledOnTime: count,
  /** 应结案数: cases due for closing. */
  toClose: count,
  /** 结案数: of those, closed. */
  closed: count,
  /** 按期结案数: of those, closed within the case deadline. */
  closedOnTime: count,
  /** 返工数: of the cases due for closing, those sent back at least once (counted per case, not per round). */
  reworked: count,
};
const handlingPairs = [
  ['handled', 'toHandle'],
  ['handledOnTime', 'handled'],
  ['closed', 'toClose'],
  ['closedOnTime', 'closed'],
  ['reworked', 'toClose'],
] as const;

/** Department (专业部门) facts. */
export const departmentFactsSchema = z.strictObject(handlingShape).superRefine(partsOfWholes(handlingPairs));
export type DepartmentFacts = z.infer<typeof departmentFactsSchema>;

/** Region (district, street, community or grid) facts: the department counts for cases in the region, plus filing. */
export const regionFactsSchema = z
  .strictObject({
    /** 立案数: cases filed in the region. */
    filed: count,
    /** 监督举报核实数: of those, public reports (hotline, web...) verified as true problems. */
    publicReportsVerified: count,
    ...handlingShape,
  })
  .superRefine(partsOfWholes([...handlingPairs, ['publicReportsVerified', 'filed']]));
export type RegionFacts = z.infer<typeof regionFactsSchema>;

/**
 * Special operations (seed 003 art. 40) over a period. Not bounded by `filed`: an operation in this month may
 * concern a case filed earlier, so a share above 1 is possible and worth seeing.
 */
export const specialOperationFactsSchema = z.strictObject({
  /** 立案数: cases filed in the period. */
  filed: count,
  /** Cases returned (回退), voided (作废), extended (延期), postponed (缓办), ledgered (挂账) in the period. */
  returned: count,
  voided: count,
  extended: count,
  postponed: count,
  ledgered: count,
});
export type SpecialOperationFacts = z.infer<typeof specialOperationFactsSchema>;
