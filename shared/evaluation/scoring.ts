import { z } from 'zod';
import type { Better, IndicatorInfo, IndicatorValues } from './indicators.js';

/** Tolerance for "weights sum to 1": configs written as decimals (0.35 + 0.4 + 0.25) do not add up exactly. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

const weightSchema = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
  .min(0, { error: 'must be at least 0' })
  .max(1, { error: 'must be at most 1' });

/** Zod schema for the weights of a subject's indicators: one per key, each ≥ 0, summing to 1 ± 1e-9. */
export function weightsSchema<K extends string>(indicators: readonly { key: K }[]) {
  return z.record(z.enum(indicators.map((indicator) => indicator.key)), weightSchema).superRefine((weights, ctx) => {
    const sum = Object.values<number>(weights).reduce((total, weight) => total + weight, 0);
    if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
      ctx.addIssue({ code: 'custom', message: `must sum to 1 (±${WEIGHT_SUM_TOLERANCE}), got ${sum}` });
    }
  });
}

/** One grade band: scores in [min, max) get `grade`; the band ending at 100 also takes 100 itself. */
export interface GradeBand {
  grade: string;
  min: number;
  max: number;
}

const bandSchema = z.strictObject({
  grade: z.string({ error: 'must be a string' }).regex(/^\S{1,20}$/u, { error: 'must be 1–20 characters, no spaces' }),
  min: z.number({ error: 'must be a number' }).min(0, { error: 'must be at least 0' }),
  max: z.number({ error: 'must be a number' }).max(100, { error: 'must be at most 100' }),
});

/** Zod schema for grade bands (config): contiguous, covering 0–100, grades unique; output sorted by min. */
export const gradeBandsSchema = z
  .array(bandSchema, { error: 'must be a list of grade bands' })
  .min(1, { error: 'must have at least one band' })
  .transform((bands) => [...bands].sort((a, b) => a.min - b.min))
  .superRefine((bands, ctx) => {
    const problem = bandsProblem(bands);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type GradeBands = readonly GradeBand[];

function bandsProblem(sorted: readonly GradeBand[]): string | undefined {
  const grades = new Set<string>();
  let reached = 0;
  for (const band of sorted) {
    if (grades.has(band.grade)) return `grade ${band.grade} appears twice`;
    grades.add(band.grade);
    if (band.min >= band.max) return `band ${band.grade} must have min < max, got ${band.min}–${band.max}`;
    if (band.min !== reached) {
      return `bands must be contiguous from 0: ${band.grade} starts at ${band.min}, expected ${reached}`;
    }
    reached = band.max;
  }
  return reached === 100 ? undefined : `bands must reach 100, the highest ends at ${reached}`;
}

/** Config default grade bands (DOMAIN.md §7): A ≥ 90, B 75–<90, C 60–<75, D 40–<60, E < 40. */
export const defaultGradeBands: GradeBands = Object.freeze(
  [
    { grade: 'E', min: 0, max: 40 },
    { grade: 'D', min: 40, max: 60 },
    { grade: 'C', min: 60, max: 75 },
    { grade: 'B', min: 75, max: 90 },
    { grade: 'A', min: 90, max: 100 },
  ].map((band) => Object.freeze(band)),
);

/** The grade for a score in [0, 100] under validated bands; null for a null score. */
export function gradeOf(score: number | null, bands: GradeBands): string | null {
  if (score === null) return null;
  const band = bands.find((b) => score >= b.min && (score < b.max || (b.max === 100 && score === 100)));
  return band ? band.grade : null;
}

/** An indicator's score on 0–100: value × 100, or (1 − value) × 100 when lower is better; null stays null. */
export function indicatorScore(value: number | null, better: Better): number | null {
  if (value === null) return null;
  return (better === 'higher' ? value : 1 - value) * 100;
}

/** Composite scores are rounded to 1 / SCORE_PRECISION of a point. */
export const SCORE_PRECISION = 1e6;

/** One line of a scorecard. `appliedWeight` is the weight after renormalising over applicable indicators. */
export interface IndicatorResult<K extends string> {
  key: K;
  label: string;
  better: Better;
  value: number | null;
  score: number | null;
  weight: number;
  appliedWeight: number;
}

/** A subject's scorecard: 综合指标值 (0–100, or null if no indicator applies), its grade and the lines behind it. */
export interface Scorecard<K extends string> {
  score: number | null;
  grade: string | null;
  indicators: IndicatorResult<K>[];
}

/**
 * 综合指标值: weighted mean of indicator scores over the applicable ones (value not null, weight > 0), the
 * weights renormalised to sum to 1 among them, rounded to 1e-6; null, with a null grade, when none applies.
 */
export function scorecard<K extends string>(
  list: readonly (IndicatorInfo & { key: K })[],
  values: IndicatorValues<K>,
  weights: Readonly<Record<K, number>>,
  bands: GradeBands,
): Scorecard<K> {
  const applies = (key: K) => values[key] !== null && weights[key] > 0;
  const total = list.reduce((sum, { key }) => (applies(key) ? sum + weights[key] : sum), 0);
  const indicators = list.map(({ key, label, better }): IndicatorResult<K> => {
    const value = values[key];
    const appliedWeight = total > 0 && applies(key) ? weights[key] / total : 0;
    return { key, label, better, value, score: indicatorScore(value, better), weight: weights[key], appliedWeight };
  });
  if (total === 0) return { score: null, grade: null, indicators };
  const sum = indicators.reduce((acc, line) => acc + line.appliedWeight * (line.score ?? 0), 0);
  // Float noise (89.99999999999999 for an exact 90) must not flip a grade at a band boundary, nor leave [0, 100].
  const score = Math.min(100, Math.max(0, Math.round(sum * SCORE_PRECISION) / SCORE_PRECISION));
  return { score, grade: gradeOf(score, bands), indicators };
}
