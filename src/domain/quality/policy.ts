import { z } from 'zod';

/**
 * How quality is judged: the weights of the dimensions and what each one tolerates. One policy
 * per gateway (config/quality.ts reads it from QUALITY_*), the same for every quote and every
 * consensus, so two answers graded alike mean the same thing.
 */

export const QualityGradeSchema = z.enum(['A', 'B', 'C', 'D', 'F']);
export type QualityGrade = z.infer<typeof QualityGradeSchema>;

export const QualityDimensionSchema = z.enum(['timeliness', 'completeness', 'consistency', 'agreement', 'reliability']);
export type QualityDimension = z.infer<typeof QualityDimensionSchema>;

export interface QualityPolicy {
  /** Relative weights; a dimension that cannot be judged (no other source known) drops out and the rest are rescaled. */
  readonly weights: Readonly<Record<QualityDimension, number>>;
  /** The lowest score of A, B, C and D; anything below D's is F. */
  readonly gradeFloors: { readonly A: number; readonly B: number; readonly C: number; readonly D: number };
  /** Behind the market by at most this much, a price is fully timely. */
  readonly freshMs: number;
  /** Behind by this much or more, it has no timeliness left; in between the score falls in a line. */
  readonly staleMs: number;
  /** `change` (and `changePercent`, in points) may differ from `price − previousClose` by this share of the price. */
  readonly changeTolerancePercent: number;
  /** A move from the previous close beyond this many standard deviations of recent daily returns is a jump. */
  readonly jumpSigmas: number;
  /** Sources within this many basis points of the median agree (consensus's outlier band too). */
  readonly agreementBandBps: number;
}

export const DEFAULT_QUALITY_POLICY: QualityPolicy = Object.freeze({
  weights: Object.freeze({ timeliness: 30, completeness: 15, consistency: 25, agreement: 15, reliability: 15 }),
  gradeFloors: Object.freeze({ A: 90, B: 80, C: 70, D: 60 }),
  // A REST quote cached for its TTL (15–60 s) and a poll interval on top stay fully timely.
  freshMs: 120_000,
  staleMs: 30 * 60_000,
  changeTolerancePercent: 0.5,
  jumpSigmas: 6,
  agreementBandBps: 100,
});

export function gradeOf(score: number, floors: QualityPolicy['gradeFloors']): QualityGrade {
  if (score >= floors.A) return 'A';
  if (score >= floors.B) return 'B';
  if (score >= floors.C) return 'C';
  if (score >= floors.D) return 'D';
  return 'F';
}

/** One dimension's verdict: `score` null when it could not be judged (then it carries no weight). */
export interface DimensionVerdict {
  readonly name: QualityDimension;
  readonly score: number | null;
  readonly weight: number;
  /** Why the score is below 100 (or why it could not be judged); empty at 100. */
  readonly reasons: readonly string[];
}

/** The weighted score of the judged dimensions, 0–100 and whole; 100 when none could be judged. */
export function weightedScore(verdicts: readonly DimensionVerdict[]): number {
  let weighted = 0;
  let weights = 0;
  for (const verdict of verdicts) {
    if (verdict.score === null || verdict.weight <= 0) continue;
    weighted += verdict.score * verdict.weight;
    weights += verdict.weight;
  }
  return weights === 0 ? 100 : Math.round(weighted / weights);
}

export function clampScore(score: number): number {
  return Math.max(0, Math.min(100, Math.round(score)));
}

/** Basis points of `value` away from `reference`. */
export function deviationBps(value: number, reference: number): number {
  return (Math.abs(value - reference) / reference) * 10_000;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
