import {
  gradeQuote,
  ProviderIdSchema,
  QualityGradeSchema,
  type Bar,
  type Clock,
  type Interval,
  type ProviderId,
  type QualityGrade,
  type QualityPolicy,
  type Quote,
  type QuoteQuality,
} from '../../domain/index.js';
import type { ProviderStanding } from '../routing/provider-health.js';
import { DailyReturns } from './daily-returns.js';
import { SourcePrices } from './source-prices.js';

const INVENTED: ProviderId = ProviderIdSchema.enum.simulated;
/** How long another source's price counts as what it says now, for agreement. */
const AGREEMENT_WINDOW_MS = 5 * 60_000;
/** Below this many calls in the health window, a success rate says nothing yet. */
const MIN_CALLS_FOR_RATE = 5;

export interface QuoteGraderOptions {
  readonly policy: QualityPolicy;
  /** The market clock (SIMULATED_NOW or the system's). */
  readonly clock: Clock;
  /** Where each provider's breaker and recent calls are read (the registry). */
  readonly providers: { standing(provider: string): ProviderStanding | undefined };
  /** Told of each quote graded as it arrived from a provider (metrics: data_quality_grade_total). */
  readonly onGraded?: (provider: string, grade: QualityGrade) => void;
}

export type GradeCounts = Record<QualityGrade, number>;

/**
 * Grades quotes (domain/quality/quote-grade.ts) against what the gateway has seen: other
 * sources' recent prices, each symbol's usual daily move, each provider's health. Told of every
 * quote a provider answers (`arrived`: graded once, counted per provider) and every daily history
 * (`learnHistory`); asked for the grade of a quote being answered (`grade`), which costs no call.
 */
export class QuoteGrader {
  private readonly prices: SourcePrices;
  private readonly returns = new DailyReturns();
  private readonly counts = new Map<string, GradeCounts>();

  constructor(private readonly options: QuoteGraderOptions) {
    this.prices = new SourcePrices({ windowMs: AGREEMENT_WINDOW_MS, now: options.clock });
  }

  get policy(): QualityPolicy {
    return this.options.policy;
  }

  /**
   * Whether a source's prices are invented (the simulated market): never evidence about a real
   * provider's price, nor judged against one, nor a second opinion in a consensus.
   */
  isInvented(source: string): boolean {
    return source === INVENTED;
  }

  /** The grade of `quote` now; `delayMs` is how long it is held back on purpose (delayed quotes). */
  grade(quote: Quote, delayMs = 0): QuoteQuality {
    return gradeQuote(
      quote,
      {
        nowMs: this.options.clock(),
        delayMs,
        others: this.isInvented(quote.source) ? [] : this.prices.othersThan(quote.symbol, quote.source),
        reliability: reliabilityOf(this.options.providers.standing(quote.source)),
        dailyReturns: this.returns.of(quote.symbol),
      },
      this.options.policy,
    );
  }

  /** A quote a provider just answered: remembered for agreement, graded once and counted for its provider. */
  arrived(quote: Quote): QuoteQuality {
    const quality = this.grade(quote);
    if (!this.isInvented(quote.source)) this.prices.note(quote);
    let counts = this.counts.get(quote.source);
    if (counts === undefined) this.counts.set(quote.source, (counts = emptyCounts()));
    counts[quality.grade] += 1;
    this.options.onGraded?.(quote.source, quality.grade);
    return quality;
  }

  /** A history a provider just answered: daily bars teach the symbol's usual move. */
  learnHistory(symbol: string, interval: Interval, bars: readonly Bar[]): void {
    if (interval === 'DAY') this.returns.learn(symbol, bars);
  }

  /** How the quotes a provider answered since start were graded on arrival. */
  distribution(provider: string): GradeCounts {
    return { ...(this.counts.get(provider) ?? emptyCounts()) };
  }
}

function emptyCounts(): GradeCounts {
  return Object.fromEntries(QualityGradeSchema.options.map((grade) => [grade, 0])) as GradeCounts;
}

/** Source reliability from the provider's health: its breaker first, then its recent success rate. */
export function reliabilityOf(standing: ProviderStanding | undefined): { score: number; reasons: string[] } | undefined {
  if (standing === undefined) return undefined;
  const reasons: string[] = [];
  let score = 100;
  if (standing.breaker === 'OPEN') {
    score = 10;
    reasons.push('breaker open: the provider is failing');
  } else if (standing.breaker === 'HALF_OPEN') {
    score = 50;
    reasons.push('breaker half-open: being probed after failures');
  }
  if (standing.calls >= MIN_CALLS_FOR_RATE && standing.failures > 0) {
    const rate = (standing.calls - standing.failures) / standing.calls;
    score = Math.min(score, Math.round(100 * rate));
    reasons.push(`answered ${Math.round(100 * rate)} % of ${standing.calls} calls in the last 5 minutes`);
  }
  return { score, reasons };
}
