import { z } from 'zod';
import { DEFAULT_QUALITY_POLICY, QualityDimensionSchema, type QualityDimension, type QualityPolicy } from '../domain/index.js';

/** Data quality: how quotes are graded A–F (domain/quality/) and where consensus draws its outlier band. */

const WEIGHTS_FORMAT = `expected weights like "timeliness=30,completeness=15,consistency=25,agreement=15,reliability=15" (dimensions: ${QualityDimensionSchema.options.join(', ')}; each 0–100; those left out keep their default)`;

const weights = z.string().transform((value, context): Readonly<Record<QualityDimension, number>> => {
  const result: Record<QualityDimension, number> = { ...DEFAULT_QUALITY_POLICY.weights };
  for (const item of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, weight] = item.split('=').map((part) => part.trim());
    const dimension = QualityDimensionSchema.safeParse(name);
    const number = weight !== undefined && /^\d+(\.\d+)?$/.test(weight) ? Number(weight) : Number.NaN;
    if (!dimension.success || !(number >= 0 && number <= 100)) {
      context.addIssue({ code: 'custom', message: `${WEIGHTS_FORMAT}; "${item}" is not one` });
      return z.NEVER;
    }
    result[dimension.data] = number;
  }
  if (Object.values(result).every((weight) => weight === 0)) {
    context.addIssue({ code: 'custom', message: `${WEIGHTS_FORMAT}; at least one weight must be above 0` });
    return z.NEVER;
  }
  return result;
});

const FLOORS_FORMAT = 'expected the lowest scores of A, B, C and D, descending, like "90,80,70,60"';

const gradeFloors = z.string().transform((value, context): QualityPolicy['gradeFloors'] => {
  const floors = value.split(',').map((part) => Number(part.trim()));
  const descending = floors.every((floor, index) => index === 0 || floor < (floors[index - 1] as number));
  if (floors.length !== 4 || floors.some((floor) => !Number.isInteger(floor) || floor < 1 || floor > 100) || !descending) {
    context.addIssue({ code: 'custom', message: `${FLOORS_FORMAT}; got "${value}"` });
    return z.NEVER;
  }
  const [A, B, C, D] = floors as [number, number, number, number];
  return { A, B, C, D };
});

const qualityEnvSchema = z.object({
  /** Relative weights of the quality dimensions; a dimension without evidence drops out of a grade. */
  QUALITY_WEIGHTS: weights.optional(),
  /** The lowest scores of grades A, B, C and D (below D's: F). */
  QUALITY_GRADE_FLOORS: gradeFloors.optional(),
  /** Behind the market by at most this many seconds, a quote is fully timely… */
  QUALITY_FRESH_SECONDS: z.coerce.number().int().min(0).max(86_400).default(DEFAULT_QUALITY_POLICY.freshMs / 1000),
  /** …and by this many or more, not timely at all. */
  QUALITY_STALE_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(DEFAULT_QUALITY_POLICY.staleMs / 1000),
  /** How far `change` may stray from price − previous close, in percent of the price (and `changePercent`, in points). */
  QUALITY_CHANGE_TOLERANCE_PERCENT: z.coerce.number().min(0).max(100).default(DEFAULT_QUALITY_POLICY.changeTolerancePercent),
  /** A move from the previous close beyond this many standard deviations of recent daily returns is flagged as a jump. */
  QUALITY_JUMP_SIGMAS: z.coerce.number().gt(0).max(100).default(DEFAULT_QUALITY_POLICY.jumpSigmas),
  /** Sources within this many percent of the median agree; beyond it a consensus source is an outlier. */
  CONSENSUS_BAND_PERCENT: z.coerce.number().gt(0).max(100).default(DEFAULT_QUALITY_POLICY.agreementBandBps / 100),
});

export const qualityEnv = qualityEnvSchema.shape;
type QualityEnv = z.infer<typeof qualityEnvSchema>;

export function qualityPolicy(env: QualityEnv): QualityPolicy {
  return {
    weights: env.QUALITY_WEIGHTS ?? DEFAULT_QUALITY_POLICY.weights,
    gradeFloors: env.QUALITY_GRADE_FLOORS ?? DEFAULT_QUALITY_POLICY.gradeFloors,
    freshMs: env.QUALITY_FRESH_SECONDS * 1000,
    staleMs: Math.max(env.QUALITY_STALE_SECONDS, env.QUALITY_FRESH_SECONDS + 1) * 1000,
    changeTolerancePercent: env.QUALITY_CHANGE_TOLERANCE_PERCENT,
    jumpSigmas: env.QUALITY_JUMP_SIGMAS,
    agreementBandBps: env.CONSENSUS_BAND_PERCENT * 100,
  };
}
