import { parseOrThrow } from '../validation.js';
import { type SpecialOperationFacts, specialOperationFactsSchema } from './facts.js';
import { ratio } from './indicators.js';

/** Shares of special operations among filed cases (each null when nothing was filed). */
export interface SpecialOperationShares {
  returned: number | null;
  voided: number | null;
  extended: number | null;
  postponed: number | null;
  ledgered: number | null;
}

/** 回退/作废/延期/缓办/挂账 counts ÷ 立案数 for the monthly report (seed 003 art. 40: control the shares). */
export function specialOperationShares(facts: SpecialOperationFacts): SpecialOperationShares {
  const f = parseOrThrow(specialOperationFactsSchema, facts, 'facts');
  return {
    returned: ratio(f.returned, f.filed),
    voided: ratio(f.voided, f.filed),
    extended: ratio(f.extended, f.filed),
    postponed: ratio(f.postponed, f.filed),
    ledgered: ratio(f.ledgered, f.filed),
  };
}
