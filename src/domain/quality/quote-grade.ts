import { latestUsEquitySession, usEquitySession, type MarketSession } from '../calendar/index.js';
import type { Quote } from '../quote.js';
import { clampScore, deviationBps, gradeOf, median, weightedScore, type DimensionVerdict, type QualityGrade, type QualityPolicy } from './policy.js';

/**
 * The A–F grade of one quote, from what the gateway already knows: no provider is asked. Each
 * dimension scores 0–100 and says why it lost points; the grade is their weighted mean.
 */

/** What a quote is judged against, gathered by the market layer (market/quality/). */
export interface QuoteEvidence {
  /** The market clock's now. */
  readonly nowMs: number;
  /** How long the quote is held back on purpose (a delayed quote's 15 minutes): not a lag. */
  readonly delayMs: number;
  /** Other sources' recent prices for the symbol; empty when none is known. */
  readonly others: ReadonlyArray<{ readonly source: string; readonly price: number }>;
  /** The source's health, 0–100 with reasons; undefined when the source is unknown to routing. */
  readonly reliability?: { readonly score: number; readonly reasons: readonly string[] } | undefined;
  /** Standard deviation of recent daily log returns; undefined until a daily history was read. */
  readonly dailyReturns?: { readonly sigma: number; readonly count: number } | undefined;
}

export interface QuoteQuality {
  readonly grade: QualityGrade;
  readonly score: number;
  /** The US equity session at the moment of grading, which timeliness was judged against. */
  readonly session: MarketSession;
  readonly dimensions: readonly DimensionVerdict[];
}

/** A quote stamped more than this far ahead of the market clock says its clock is wrong. */
const FUTURE_SKEW_MS = 60_000;
const RANGE_SLACK = 0.001;

export function gradeQuote(quote: Quote, evidence: QuoteEvidence, policy: QualityPolicy): QuoteQuality {
  const session = usEquitySession(evidence.nowMs);
  const { weights } = policy;
  const dimensions: DimensionVerdict[] = [
    { name: 'timeliness', weight: weights.timeliness, ...timeliness(quote, evidence, session, policy) },
    { name: 'completeness', weight: weights.completeness, ...completeness(quote) },
    { name: 'consistency', weight: weights.consistency, ...consistency(quote, evidence, policy) },
    { name: 'agreement', weight: weights.agreement, ...agreement(quote, evidence, policy) },
    {
      name: 'reliability',
      weight: weights.reliability,
      ...(evidence.reliability
        ? { score: clampScore(evidence.reliability.score), reasons: evidence.reliability.reasons }
        : { score: null, reasons: [`${quote.source} is not a provider this gateway routes to`] }),
    },
  ];
  const score = weightedScore(dimensions);
  return { grade: gradeOf(score, policy.gradeFloors), score, session, dimensions };
}

type Judged = { readonly score: number | null; readonly reasons: readonly string[] };

/**
 * How far the price is behind the market, in time the market traded: while the regular session
 * runs, from the quote's timestamp (or the open, if older) to now; outside it, to the latest
 * session's close. A Friday close read on Sunday is on time; the same price read on Tuesday at
 * 11:00 is 90 minutes behind. The delay a consumer's entitlement imposes is not counted.
 */
function timeliness(quote: Quote, evidence: QuoteEvidence, session: MarketSession, policy: QualityPolicy): Judged {
  const stamped = quote.timestamp.getTime();
  if (stamped - evidence.nowMs > FUTURE_SKEW_MS) {
    return { score: 0, reasons: [`stamped ${duration(stamped - evidence.nowMs)} ahead of the market clock`] };
  }
  const latest = latestUsEquitySession(evidence.nowMs);
  const until = session === 'REGULAR' ? evidence.nowMs : Math.min(latest.close, evidence.nowMs);
  const lag = Math.max(0, until - Math.max(stamped, latest.open) - evidence.delayMs);
  const reasons: string[] = [];
  let score = 100;
  if (lag > policy.freshMs) {
    score = lag >= policy.staleMs ? 0 : clampScore((100 * (policy.staleMs - lag)) / (policy.staleMs - policy.freshMs));
    const against = session === 'REGULAR' ? 'the open market' : 'the latest close';
    reasons.push(`${duration(lag)} behind ${against} (fully timely within ${duration(policy.freshMs)})`);
  }
  if (quote.stale) {
    score = Math.min(score, 50);
    reasons.push('served past its freshness: no provider could answer');
  }
  return { score, reasons };
}

const OPTIONAL_FIELDS = ['open', 'high', 'low', 'previousClose', 'volume'] as const;

function completeness(quote: Quote): Judged {
  const missing = OPTIONAL_FIELDS.filter((field) => quote[field] === null || quote[field] === undefined);
  if (missing.length === 0) return { score: 100, reasons: [] };
  return { score: clampScore(100 * (1 - missing.length / OPTIONAL_FIELDS.length)), reasons: [`missing ${missing.join(', ')}`] };
}

function consistency(quote: Quote, evidence: QuoteEvidence, policy: QualityPolicy): Judged {
  const reasons: string[] = [];
  let penalty = 0;
  const { price, high, low, open, previousClose } = quote;
  if (high !== null && low !== null) {
    if (high < low) {
      penalty += 50;
      reasons.push(`high ${high} below low ${low}`);
    } else {
      if (price < low * (1 - RANGE_SLACK) || price > high * (1 + RANGE_SLACK)) {
        penalty += 40;
        reasons.push(`price ${price} outside the day's range ${low}–${high}`);
      }
      if (open !== null && (open < low * (1 - RANGE_SLACK) || open > high * (1 + RANGE_SLACK))) {
        penalty += 20;
        reasons.push(`open ${open} outside the day's range ${low}–${high}`);
      }
    }
  }
  if (previousClose !== null) {
    const expected = price - previousClose;
    const tolerance = Math.max(0.01, (policy.changeTolerancePercent / 100) * price);
    if (Math.abs(quote.change - expected) > tolerance) {
      penalty += 30;
      reasons.push(`change ${signed(quote.change)} but price − previous close is ${signed(expected)}`);
    }
    const expectedPercent = (100 * expected) / previousClose;
    if (Math.abs(quote.changePercent - expectedPercent) > Math.max(0.01, policy.changeTolerancePercent)) {
      penalty += 15;
      reasons.push(`changePercent ${signed(quote.changePercent)} but the change is ${signed(expectedPercent)} %`);
    }
    const returns = evidence.dailyReturns;
    if (returns !== undefined && returns.sigma > 0) {
      const sigmas = Math.abs(Math.log(price / previousClose)) / returns.sigma;
      if (sigmas > policy.jumpSigmas) {
        penalty += 40;
        reasons.push(
          `a ${signed(expectedPercent)} % move is ${sigmas.toFixed(1)} σ of the last ${returns.count} daily returns (jump beyond ${policy.jumpSigmas} σ)`,
        );
      }
    }
  }
  return { score: clampScore(100 - penalty), reasons };
}

function agreement(quote: Quote, evidence: QuoteEvidence, policy: QualityPolicy): Judged {
  const others = evidence.others.filter((other) => other.source !== quote.source);
  if (others.length === 0) return { score: null, reasons: ['no other source known for this symbol'] };
  const reference = median(others.map((other) => other.price));
  const bps = deviationBps(quote.price, reference);
  if (bps <= policy.agreementBandBps) return { score: 100, reasons: [] };
  const band = policy.agreementBandBps;
  const names = others.map((other) => other.source).join(', ');
  return {
    score: clampScore(100 - (50 * (bps - band)) / Math.max(band, 1)),
    reasons: [`${(bps / 100).toFixed(2)} % from the median of ${names} (agreeing within ${band / 100} %)`],
  };
}

function signed(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 180) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 180) return `${minutes} min`;
  return `${Math.round(minutes / 6) / 10} h`;
}
