import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CollectorFacts,
  collectorIndicatorList,
  type DepartmentFacts,
  type DispatcherFacts,
  departmentIndicatorList,
  dispatcherIndicatorList,
  type Scorecard,
  type ShiftLeadFacts,
  scoreCollector,
  scoreDepartment,
  scoreDispatcher,
  scoreShiftLead,
  shiftLeadIndicatorList,
} from '../../../shared/evaluation/index.js';

const RUNS = { numRuns: 1000 };

/** A whole count and a part of it: [whole, part] with 0 ≤ part ≤ whole. */
const wholeAndPart = (max = 2000) =>
  fc.nat(max).chain((whole) => fc.tuple(fc.constant(whole), fc.integer({ min: 0, max: whole })));
/** Three nested counts: a ≥ b ≥ c ≥ 0. */
const nested = () =>
  wholeAndPart().chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), fc.integer({ min: 0, max: b })));

/** Weights for the given keys: each ≥ 0 (zeros included), normalised to sum to 1. */
const weightsFor = <K extends string>(list: readonly { key: K }[]) =>
  fc
    .array(fc.oneof(fc.constant(0), fc.nat(1000)), { minLength: list.length, maxLength: list.length })
    .filter((raw) => raw.some((w) => w > 0))
    .map((raw) => {
      const sum = raw.reduce((a, b) => a + b, 0);
      return Object.fromEntries(list.map(({ key }, i) => [key, (raw[i] ?? 0) / sum])) as Record<K, number>;
    });

const collectorFacts: fc.Arbitrary<CollectorFacts> = fc
  .tuple(wholeAndPart(), wholeAndPart(), wholeAndPart(), wholeAndPart())
  .map(([[reports, validReports], [toVerify, verifiedOnTime], [toCheck, checkedOnTime], [filed, missed]]) => ({
    reports,
    validReports,
    toVerify,
    verifiedOnTime,
    toCheck,
    checkedOnTime,
    filed,
    missed,
  }));
const shiftLeadFacts: fc.Arbitrary<ShiftLeadFacts> = fc
  .tuple(wholeAndPart(), wholeAndPart(), fc.nat(2000))
  .map(([[toClose, closedOnTime], [filed, filedOnTime], voidSeed]) => ({
    filed,
    filedOnTime,
    voided: filed === 0 ? 0 : voidSeed % (filed + 1),
    toClose,
    closedOnTime,
  }));
const dispatcherFacts: fc.Arbitrary<DispatcherFacts> = fc
  .tuple(nested(), fc.nat(2000))
  .map(([[toDispatch, dispatched, dispatchedOnTime], reworkSeed]) => ({
    toDispatch,
    dispatched,
    dispatchedOnTime,
    reworked: reworkSeed % (dispatched + 1),
  }));
const departmentFacts: fc.Arbitrary<DepartmentFacts> = fc
  .tuple(nested(), nested(), fc.nat(2000))
  .map(([[toHandle, handled, handledOnTime], [toClose, closed, closedOnTime], reworkSeed]) => ({
    toHandle,
    handled,
    handledOnTime,
    toClose,
    closed,
    closedOnTime,
    reworked: reworkSeed % (toClose + 1),
  }));

function expectWellFormed<K extends string>(card: Scorecard<K>): void {
  const applicable = card.indicators.filter((line) => line.value !== null && line.weight > 0);
  if (applicable.length === 0) {
    expect(card.score).toBeNull();
    expect(card.grade).toBeNull();
    return;
  }
  expect(card.score).not.toBeNull();
  expect(card.score).toBeGreaterThanOrEqual(0);
  expect(card.score).toBeLessThanOrEqual(100);
  expect(card.grade).toMatch(/^[A-E]$/u);
  for (const line of card.indicators) {
    if (line.value !== null) expect(line.value).toBeGreaterThanOrEqual(0);
    if (line.value !== null) expect(line.value).toBeLessThanOrEqual(1);
  }
}

describe('composite score invariants', () => {
  it('any valid collector facts and weights give a score in [0, 100], or null when nothing applies', () => {
    fc.assert(
      fc.property(collectorFacts, weightsFor(collectorIndicatorList), (facts, weights) => {
        expectWellFormed(scoreCollector(facts, { weights }));
      }),
      RUNS,
    );
  });

  it('the same holds for shift leads, dispatchers and departments', () => {
    fc.assert(
      fc.property(
        shiftLeadFacts,
        dispatcherFacts,
        departmentFacts,
        fc.integer({ min: 1, max: 5000 }),
        weightsFor(shiftLeadIndicatorList),
        weightsFor(dispatcherIndicatorList),
        weightsFor(departmentIndicatorList),
        (shiftLead, dispatcher, department, dispatchTarget, w1, w2, w3) => {
          expectWellFormed(scoreShiftLead(shiftLead, { weights: w1 }));
          expectWellFormed(scoreDispatcher(dispatcher, { dispatchTarget, weights: w2 }));
          expectWellFormed(scoreDepartment(department, { weights: w3 }));
        },
      ),
      RUNS,
    );
  });

  it('the applied weights of the applicable indicators sum to 1', () => {
    fc.assert(
      fc.property(collectorFacts, weightsFor(collectorIndicatorList), (facts, weights) => {
        const card = scoreCollector(facts, { weights });
        const applied = card.indicators.reduce((sum, line) => sum + line.appliedWeight, 0);
        expect(applied).toBeCloseTo(card.score === null ? 0 : 1, 9);
      }),
      RUNS,
    );
  });

  it('one more valid report never lowers a collector’s score', () => {
    const withRoom = collectorFacts.filter((facts) => facts.validReports < facts.reports);
    fc.assert(
      fc.property(withRoom, (facts) => {
        const before = scoreCollector(facts).score ?? 0;
        const after = scoreCollector({ ...facts, validReports: facts.validReports + 1 }).score ?? 0;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      RUNS,
    );
  });
});
