import { describe, expect, it } from 'vitest';
import {
  type CollectorFacts,
  type CollectorScoring,
  collectorScoringSchema,
  defaultCollectorWeights,
  defaultDepartmentWeights,
  defaultDispatcherWeights,
  defaultGradeBands,
  defaultShiftLeadWeights,
  evaluationConfigSchema,
  gradeBandsSchema,
  gradeOf,
  indicatorScore,
  scoreCollector,
  scoreDepartment,
  scoreDispatcher,
  scoreShiftLead,
} from '../../../shared/evaluation/index.js';
import { rejection } from '../../support/rejection.js';

const collector = {
  good: {
    reports: 200,
    validReports: 180,
    toVerify: 40,
    verifiedOnTime: 30,
    toCheck: 50,
    checkedOnTime: 45,
    filed: 100,
    missed: 5,
  },
  noVerifications: {
    reports: 100,
    validReports: 80,
    toVerify: 0,
    verifiedOnTime: 0,
    toCheck: 10,
    checkedOnTime: 10,
    filed: 50,
    missed: 5,
  },
  idle: {
    reports: 0,
    validReports: 0,
    toVerify: 0,
    verifiedOnTime: 0,
    toCheck: 0,
    checkedOnTime: 0,
    filed: 0,
    missed: 0,
  },
} satisfies Record<string, CollectorFacts>;

describe('indicator scores', () => {
  it('are rate × 100, or (1 − rate) × 100 when lower is better', () => {
    expect(indicatorScore(0.9, 'higher')).toBe(90);
    expect(indicatorScore(0.05, 'lower')).toBe(95);
    expect(indicatorScore(null, 'lower')).toBeNull();
  });
});

describe('composite score (综合指标值)', () => {
  it('weights the collector 40 % valid reports + 20 % (1 − miss) + 20 % verify + 20 % check by default', () => {
    // 0.4 × 90 + 0.2 × 95 + 0.2 × 75 + 0.2 × 90
    const card = scoreCollector(collector.good);
    expect(card.score).toBeCloseTo(88, 9);
    expect(card.grade).toBe('B');
    expect(card.indicators.map((line) => [line.label, line.score])).toEqual([
      ['有效上报率', 90],
      ['漏报率', 95],
      ['按时核实率', 75],
      ['按时核查率', 90],
    ]);
  });

  it('leaves out a not-applicable indicator and renormalises the other weights', () => {
    // Verification does not apply: 0.4, 0.2, 0.2 become 0.5, 0.25, 0.25 over 80, 90, 100.
    const card = scoreCollector(collector.noVerifications);
    expect(card.score).toBeCloseTo(87.5, 9);
    expect(card.indicators.map((line) => line.appliedWeight)).toEqual([0.5, 0.25, 0, 0.25]);
  });

  it('is null, with a null grade, when no indicator applies', () => {
    expect(scoreCollector(collector.idle)).toMatchObject({ score: null, grade: null });
  });

  it('treats an indicator weighted 0 as not counting, even when it applies', () => {
    const weights = { validReportRate: 1, missRate: 0, onTimeVerifyRate: 0, onTimeCheckRate: 0 };
    expect(scoreCollector(collector.good, { weights }).score).toBe(90);
    expect(scoreCollector({ ...collector.idle, toCheck: 4, checkedOnTime: 4 }, { weights }).score).toBeNull();
  });

  it('weights the shift lead 25/40/35 (on-time filing / accurate filing / on-time closing)', () => {
    const card = scoreShiftLead({ filed: 400, filedOnTime: 380, voided: 20, toClose: 300, closedOnTime: 240 });
    expect(card.score).toBeCloseTo(0.25 * 95 + 0.4 * 95 + 0.35 * 80, 9);
  });

  it('weights the dispatcher 20/40/40 (count score / on time / accurate) against a configured target', () => {
    const facts = { toDispatch: 500, dispatched: 490, dispatchedOnTime: 450, reworked: 40 };
    expect(scoreDispatcher(facts, { dispatchTarget: 980 }).score).toBeCloseTo(0.2 * 50 + 0.4 * 90 + 0.4 * 90, 9);
    expect(() => scoreDispatcher(facts, {} as { dispatchTarget: number })).toThrow(rejection('config.dispatchTarget'));
  });

  it('scores a department on handling, on-time handling, (1 − rework) and closing by default', () => {
    const facts = {
      toHandle: 100,
      handled: 90,
      handledOnTime: 72,
      toClose: 80,
      closed: 60,
      closedOnTime: 50,
      reworked: 8,
    };
    expect(scoreDepartment(facts).score).toBeCloseTo(0.2 * 90 + 0.4 * 72 + 0.2 * 90 + 0.2 * 75, 9);
  });

  it('lands exactly on a band boundary despite floating-point noise', () => {
    const allNinety = {
      ...collector.idle,
      reports: 10,
      validReports: 9,
      toCheck: 10,
      checkedOnTime: 9,
      filed: 10,
      missed: 1,
    };
    expect(scoreCollector({ ...allNinety, toVerify: 10, verifiedOnTime: 9 })).toMatchObject({ score: 90, grade: 'A' });
  });
});

describe('weights (config)', () => {
  it('ship defaults that each sum to 1', () => {
    for (const weights of [
      defaultCollectorWeights,
      defaultShiftLeadWeights,
      defaultDispatcherWeights,
      defaultDepartmentWeights,
    ]) {
      expect(Object.values(weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('are rejected when they do not sum to 1', () => {
    const weights = { validReportRate: 0.5, missRate: 0.2, onTimeVerifyRate: 0.2, onTimeCheckRate: 0.2 };
    expect(() => scoreCollector(collector.good, { weights })).toThrow(
      rejection('config.weights', /^must sum to 1 \(±1e-9\), got 1.0999/u),
    );
  });

  it('accept a sum within 1e-9 of 1', () => {
    const weights = { validReportRate: 0.4 + 5e-10, missRate: 0.2, onTimeVerifyRate: 0.2, onTimeCheckRate: 0.2 };
    expect(collectorScoringSchema.safeParse({ weights }).success).toBe(true);
  });

  it.each([
    [
      'a negative weight',
      { validReportRate: 1, missRate: -0.2, onTimeVerifyRate: 0.2, onTimeCheckRate: 0 },
      'config.weights.missRate',
    ],
    [
      'a missing weight',
      { validReportRate: 0.6, missRate: 0.4, onTimeVerifyRate: 0 },
      'config.weights.onTimeCheckRate',
    ],
    ['an unknown indicator', { ...defaultCollectorWeights, speed: 0 }, 'config.weights'],
  ])('are rejected with %s', (_, weights, field) => {
    // Deliberately invalid config, as it would arrive from a file.
    expect(() => scoreCollector(collector.good, { weights } as CollectorScoring)).toThrow(rejection(field));
  });
});

describe('grade bands (config)', () => {
  it.each([
    [100, 'A'],
    [90, 'A'],
    [89.999, 'B'],
    [75, 'B'],
    [74.999, 'C'],
    [60, 'C'],
    [59.999, 'D'],
    [40, 'D'],
    [39.999, 'E'],
    [0, 'E'],
  ])('default bands grade %d as %s', (score, grade) => {
    expect(gradeOf(score, defaultGradeBands)).toBe(grade);
  });

  it('grade a null score as null', () => {
    expect(gradeOf(null, defaultGradeBands)).toBeNull();
  });

  it('may be listed in any order and come out sorted', () => {
    const bands = gradeBandsSchema.parse([
      { grade: '优', min: 85, max: 100 },
      { grade: '差', min: 0, max: 60 },
      { grade: '良', min: 60, max: 85 },
    ]);
    expect(bands.map((band) => band.grade)).toEqual(['差', '良', '优']);
    expect(gradeOf(85, bands)).toBe('优');
  });

  it.each([
    [
      'a gap',
      [
        { grade: 'B', min: 0, max: 49 },
        { grade: 'A', min: 50, max: 100 },
      ],
      /contiguous from 0: A starts at 50, expected 49/,
    ],
    [
      'an overlap',
      [
        { grade: 'B', min: 0, max: 60 },
        { grade: 'A', min: 50, max: 100 },
      ],
      /A starts at 50, expected 60/,
    ],
    ['not starting at 0', [{ grade: 'A', min: 10, max: 100 }], /A starts at 10, expected 0/],
    [
      'not reaching 100',
      [
        { grade: 'B', min: 0, max: 50 },
        { grade: 'A', min: 50, max: 99 },
      ],
      /must reach 100, the highest ends at 99/,
    ],
    [
      'an empty band',
      [
        { grade: 'B', min: 0, max: 0 },
        { grade: 'A', min: 0, max: 100 },
      ],
      /B must have min < max/,
    ],
    [
      'a repeated grade',
      [
        { grade: 'A', min: 0, max: 50 },
        { grade: 'A', min: 50, max: 100 },
      ],
      /grade A appears twice/,
    ],
    ['no band at all', [], /at least one band/],
  ])('reject %s', (_, grades, rule) => {
    expect(() => scoreCollector(collector.good, { grades })).toThrow(rejection('config.grades', rule));
  });
});

describe('evaluation config section', () => {
  it('fills every default except the dispatch target, which it requires', () => {
    const config = evaluationConfigSchema.parse({ dispatcher: { dispatchTarget: 300 } });
    expect(config.collector.weights).toEqual(defaultCollectorWeights);
    expect(config.department.grades).toEqual(defaultGradeBands);
    expect(evaluationConfigSchema.safeParse({}).error?.issues[0]?.path).toEqual(['dispatcher']);
  });

  it('rejects unknown keys', () => {
    expect(evaluationConfigSchema.safeParse({ dispatcher: { dispatchTarget: 1 }, operator: {} }).success).toBe(false);
  });
});
