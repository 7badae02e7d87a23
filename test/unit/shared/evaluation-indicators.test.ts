import { describe, expect, it } from 'vitest';
import {
  type CollectorFacts,
  collectorIndicators,
  type DepartmentFacts,
  type DispatcherFacts,
  departmentIndicators,
  dispatcherIndicators,
  type RegionFacts,
  ratio,
  regionIndicators,
  type ShiftLeadFacts,
  shiftLeadIndicators,
  specialOperationShares,
} from '../../../shared/evaluation/index.js';
import { rejection } from '../../support/rejection.js';

const facts = {
  collector: {
    reports: 200,
    validReports: 180,
    toVerify: 40,
    verifiedOnTime: 30,
    toCheck: 50,
    checkedOnTime: 45,
    filed: 100,
    missed: 5,
  } satisfies CollectorFacts,
  shiftLead: { filed: 400, filedOnTime: 380, voided: 20, toClose: 300, closedOnTime: 240 } satisfies ShiftLeadFacts,
  dispatcher: { toDispatch: 500, dispatched: 490, dispatchedOnTime: 450, reworked: 40 } satisfies DispatcherFacts,
  department: {
    toHandle: 100,
    handled: 90,
    handledOnTime: 72,
    toClose: 80,
    closed: 60,
    closedOnTime: 50,
    reworked: 8,
  } satisfies DepartmentFacts,
};
const region: RegionFacts = { ...facts.department, filed: 120, publicReportsVerified: 18 };

describe('rates', () => {
  it('a rate over a zero denominator is null (not applicable), never NaN or Infinity', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 4)).toBe(0.75);
  });
});

describe('indicator formulas (DOMAIN.md §7)', () => {
  it.each([
    ['有效上报率 = 有效上报数 / 上报数', collectorIndicators(facts.collector).validReportRate, 0.9],
    ['按时核实率 = 按时核实数 / 应核实数', collectorIndicators(facts.collector).onTimeVerifyRate, 0.75],
    ['按时核查率 = 按时核查数 / 应核查数', collectorIndicators(facts.collector).onTimeCheckRate, 0.9],
    ['漏报率 = 漏报数 / 立案数', collectorIndicators(facts.collector).missRate, 0.05],
    ['按时立案率 = 按时立案数 / 立案数', shiftLeadIndicators(facts.shiftLead).onTimeFilingRate, 0.95],
    ['准确立案率 = (立案数 − 作废数) / 立案数', shiftLeadIndicators(facts.shiftLead).accurateFilingRate, 0.95],
    ['按时结案率 = 按时结案数 / 应结案数', shiftLeadIndicators(facts.shiftLead).onTimeClosingRate, 0.8],
    ['按时派遣率 = 按时派遣数 / 应派遣数', dispatcherIndicators(facts.dispatcher, 600).onTimeDispatchRate, 0.9],
    [
      '准确派遣率 = (派遣数 − 返工数) / 应派遣数',
      dispatcherIndicators(facts.dispatcher, 600).accurateDispatchRate,
      0.9,
    ],
    ['处置率 = 处置数 / 应处置数', departmentIndicators(facts.department).handlingRate, 0.9],
    ['按期处置率 = 按期处置数 / 应处置数', departmentIndicators(facts.department).onTimeHandlingRate, 0.72],
    ['超期处置数 = 处置数 − 按期处置数', departmentIndicators(facts.department).overdueHandled, 18],
    ['返工率 = 返工数 / 应结案数', departmentIndicators(facts.department).reworkRate, 0.1],
    ['结案率 = 结案数 / 应结案数', departmentIndicators(facts.department).closingRate, 0.75],
    ['按期结案率 = 按期结案数 / 应结案数', departmentIndicators(facts.department).onTimeClosingRate, 0.625],
    ['监督举报率 = 监督举报核实数 / 立案数', regionIndicators(region).supervisionReportRate, 0.15],
    ['a region carries the handling indicators too', regionIndicators(region).onTimeHandlingRate, 0.72],
  ])('%s', (_, actual, expected) => {
    expect(actual).toBeCloseTo(expected, 12);
  });

  it('the dispatch-count score is dispatched ÷ target, capped at 1', () => {
    expect(dispatcherIndicators(facts.dispatcher, 980).dispatchCountScore).toBe(0.5);
    expect(dispatcherIndicators(facts.dispatcher, 100).dispatchCountScore).toBe(1);
  });
});

describe('zero denominators', () => {
  it('a collector with no verification tasks has no on-time verification rate', () => {
    const values = collectorIndicators({ ...facts.collector, toVerify: 0, verifiedOnTime: 0 });
    expect(values.onTimeVerifyRate).toBeNull();
    expect(values.validReportRate).toBe(0.9);
  });

  it('a subject with nothing to count has every rate null', () => {
    const none = { toHandle: 0, handled: 0, handledOnTime: 0, toClose: 0, closed: 0, closedOnTime: 0, reworked: 0 };
    expect(departmentIndicators(none)).toEqual({
      handlingRate: null,
      onTimeHandlingRate: null,
      reworkRate: null,
      closingRate: null,
      onTimeClosingRate: null,
      overdueHandled: 0,
    });
  });

  it('a dispatcher with nothing due for dispatch is not scored on volume either', () => {
    const idle = { toDispatch: 0, dispatched: 0, dispatchedOnTime: 0, reworked: 0 };
    expect(dispatcherIndicators(idle, 100)).toEqual({
      dispatchCountScore: null,
      onTimeDispatchRate: null,
      accurateDispatchRate: null,
    });
  });
});

describe('facts are validated, naming the field', () => {
  it.each([
    [
      'a part above its whole',
      { ...facts.collector, validReports: 201 },
      'facts.validReports',
      /at most reports \(200\), got 201/,
    ],
    ['more misses than filed cases', { ...facts.collector, missed: 101 }, 'facts.missed', /at most filed/],
    ['a negative count', { ...facts.collector, reports: -1 }, 'facts.reports', 'must be at least 0'],
    ['a fraction', { ...facts.collector, toCheck: 2.5 }, 'facts.toCheck', 'must be a whole number'],
    ['NaN', { ...facts.collector, filed: Number.NaN }, 'facts.filed', 'must be a whole number'],
    ['a missing count', { ...facts.collector, missed: undefined }, 'facts.missed', 'is required'],
    ['an unknown count', { ...facts.collector, extra: 1 }, 'facts', /extra/],
  ])('rejects %s', (_, input, field, rule) => {
    expect(() => collectorIndicators(input as CollectorFacts)).toThrow(rejection(field, rule));
  });

  it.each([
    ['voided above filed', () => shiftLeadIndicators({ ...facts.shiftLead, voided: 401 }), 'facts.voided'],
    [
      'dispatched above due',
      () => dispatcherIndicators({ ...facts.dispatcher, dispatched: 501 }, 10),
      'facts.dispatched',
    ],
    [
      'reworked above dispatched',
      () => dispatcherIndicators({ ...facts.dispatcher, reworked: 491 }, 10),
      'facts.reworked',
    ],
    [
      'handled on time above handled',
      () => departmentIndicators({ ...facts.department, handledOnTime: 91 }),
      'facts.handledOnTime',
    ],
    [
      'reworked above due for closing',
      () => departmentIndicators({ ...facts.department, reworked: 81 }),
      'facts.reworked',
    ],
    [
      'verified public reports above filed',
      () => regionIndicators({ ...region, publicReportsVerified: 121 }),
      'facts.publicReportsVerified',
    ],
    ['a zero dispatch target', () => dispatcherIndicators(facts.dispatcher, 0), 'dispatchTarget'],
  ])('rejects %s', (_, run, field) => {
    expect(run).toThrow(rejection(field));
  });
});

describe('special-operation shares for the monthly report (seed 003 art. 40)', () => {
  it('divides each operation count by the cases filed', () => {
    expect(
      specialOperationShares({ filed: 200, returned: 10, voided: 4, extended: 6, postponed: 2, ledgered: 1 }),
    ).toEqual({ returned: 0.05, voided: 0.02, extended: 0.03, postponed: 0.01, ledgered: 0.005 });
  });

  it('is null for every operation in a month with nothing filed', () => {
    const shares = specialOperationShares({ filed: 0, returned: 1, voided: 0, extended: 0, postponed: 0, ledgered: 0 });
    expect(Object.values(shares)).toEqual([null, null, null, null, null]);
  });

  it('may exceed 1, since operations can concern cases filed in earlier months', () => {
    expect(
      specialOperationShares({ filed: 2, returned: 3, voided: 0, extended: 0, postponed: 0, ledgered: 0 }).returned,
    ).toBe(1.5);
  });

  it('rejects negative counts', () => {
    expect(() =>
      specialOperationShares({ filed: 2, returned: -1, voided: 0, extended: 0, postponed: 0, ledgered: 0 }),
    ).toThrow(rejection('facts.returned', 'must be at least 0'));
  });
});
