import type { MarketError } from '../errors.js';
import type { Quote } from '../quote.js';
import { clampScore, deviationBps, gradeOf, median, type QualityGrade, type QualityPolicy } from './policy.js';
import type { QuoteQuality } from './quote-grade.js';

/**
 * Cross-source consensus on one symbol's price: every source asked at once, the median of those
 * that answered, each source's deviation from it, and the outliers beyond the band. Sources that
 * failed are listed with their error; they do not fail the consensus.
 */

/** One source's answer to a consensus, as the market layer gathered it. */
export type ConsensusReading =
  | { readonly source: string; readonly quote: Quote; readonly quality: QuoteQuality }
  | { readonly source: string; readonly error: MarketError };

export interface ConsensusSource {
  readonly source: string;
  readonly price: number | null;
  readonly timestamp: Date | null;
  /** Basis points from the median; null for a source that did not answer. */
  readonly deviationBps: number | null;
  readonly outlier: boolean;
  /** The source's own quote grade; null for a source that did not answer. */
  readonly grade: QualityGrade | null;
  /** Why it did not answer, as plain data (an Error in a GraphQL result would be a field error). */
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface Consensus {
  readonly symbol: string;
  readonly median: number;
  readonly bandBps: number;
  readonly sources: readonly ConsensusSource[];
  /** Sources that answered within the band. */
  readonly agreeing: number;
  readonly answered: number;
  readonly outliers: readonly string[];
  readonly score: number;
  readonly grade: QualityGrade;
  /** Why the score is below 100 (sources that did not answer do not lower it: their errors are listed). */
  readonly reasons: readonly string[];
}

/** With a single source answering nothing corroborates its price: the score goes no higher. */
const SINGLE_SOURCE_CEILING = 70;

/**
 * The consensus of `readings`, or undefined when no source answered (the caller says why).
 * Its score is half the share of answering sources that agree and half the mean quote score of
 * those that agree: many sources agreeing on well-graded quotes make an A, two that disagree an F.
 */
export function buildConsensus(symbol: string, readings: readonly ConsensusReading[], policy: QualityPolicy): Consensus | undefined {
  const answered = readings.flatMap((reading) => ('quote' in reading ? [reading] : []));
  if (answered.length === 0) return undefined;
  const reference = median(answered.map((reading) => reading.quote.price));
  const band = policy.agreementBandBps;
  const sources = readings.map((reading): ConsensusSource => {
    if (!('quote' in reading)) return { source: reading.source, price: null, timestamp: null, deviationBps: null, outlier: false, grade: null, error: { code: reading.error.code, message: reading.error.message } };
    const bps = deviationBps(reading.quote.price, reference);
    return {
      source: reading.source,
      price: reading.quote.price,
      timestamp: reading.quote.timestamp,
      deviationBps: Math.round(bps * 10) / 10,
      outlier: bps > band,
      grade: reading.quality.grade,
      error: null,
    };
  });
  const agreeingReadings = answered.filter((reading) => deviationBps(reading.quote.price, reference) <= band);
  const outliers = sources.filter((source) => source.outlier).map((source) => source.source);
  const agreementShare = agreeingReadings.length / answered.length;
  const meanQuality = agreeingReadings.length === 0 ? 0 : agreeingReadings.reduce((sum, reading) => sum + reading.quality.score, 0) / agreeingReadings.length;
  let score = clampScore(50 * agreementShare + meanQuality / 2);
  const reasons: string[] = [];
  if (outliers.length > 0) reasons.push(`${outliers.join(', ')} beyond ${band / 100} % of the median`);
  if (agreeingReadings.length > 0 && meanQuality < 100) reasons.push(`the agreeing sources' quotes score ${Math.round(meanQuality)} on average`);
  if (answered.length === 1) {
    score = Math.min(score, SINGLE_SOURCE_CEILING);
    reasons.push('only one source answered: nothing corroborates its price');
  }
  return {
    symbol,
    median: reference,
    bandBps: band,
    sources,
    agreeing: agreeingReadings.length,
    answered: answered.length,
    outliers,
    score,
    grade: gradeOf(score, policy.gradeFloors),
    reasons,
  };
}
