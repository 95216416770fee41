import {
  buildConsensus,
  ErrorCode,
  MarketError,
  parseSymbol,
  ProviderError,
  ProviderFailureKind,
  toClientError,
  type Caller,
  type Consensus,
  type ConsensusReading,
} from '../../domain/index.js';
import type { ProviderAdapter } from '../../providers/adapter.js';
import type { ProviderRegistry } from '../routing/registry.js';
import type { ProviderCallEvent } from '../service-options.js';
import type { QuoteGrader } from './quote-grader.js';

const DEFAULT_BUDGET_MS = 3_000;

export interface QuoteConsensusOptions {
  readonly registry: ProviderRegistry;
  readonly grader: QuoteGrader;
  /** How long the slowest source is waited for (the chain's latency budget, CHAIN_BUDGET_MS). */
  readonly budgetMs?: number;
  /** Told of every call, for the caller's budget, the audit trail, metrics and health. */
  readonly onProviderCall?: (event: ProviderCallEvent) => void;
  /** Asked before each call made for a caller: an error refuses that source's call (a spent budget). */
  readonly refuseProviderCall?: (caller: Caller) => Promise<MarketError | undefined>;
}

/**
 * `quoteConsensus`: one fresh quote call to every enabled quote provider at once (never the
 * cache: a consensus is a second opinion, not a remembered first one), each through its
 * resilience pipeline and key pool, charged to the caller like any call. What comes back is graded
 * and learnt from (agreement for later quotes, data_quality_grade_total); a source that fails,
 * is refused or is slower than the budget is listed with its error.
 */
export class QuoteConsensus {
  constructor(private readonly options: QuoteConsensusOptions) {}

  async of(input: string, caller: Caller | undefined): Promise<Consensus> {
    const symbol = parseSymbol(input);
    const sources = this.sources();
    const signal = AbortSignal.timeout(this.options.budgetMs ?? DEFAULT_BUDGET_MS);
    const outcomes = await Promise.all(sources.map((adapter) => this.ask(adapter, symbol, signal, caller)));
    // Noted before grading, so each source's agreement is judged against all the others.
    const answered = outcomes.filter((outcome) => 'quote' in outcome);
    for (const outcome of answered) this.options.grader.arrived(outcome.quote);
    const readings: ConsensusReading[] = outcomes.map((outcome) => ('quote' in outcome ? { ...outcome, quality: this.options.grader.grade(outcome.quote) } : outcome));
    const consensus = buildConsensus(symbol, readings, this.options.grader.policy);
    if (consensus) return consensus;
    throw noAnswer(symbol, readings);
  }

  private sources(): QuoteSource[] {
    // The simulated market invents its prices: asked only when no real provider serves quotes.
    const serving = this.options.registry.serving('quote');
    const real = serving.filter((adapter) => !this.options.grader.isInvented(adapter.id));
    return real.length > 0 ? real : serving;
  }

  private async ask(
    adapter: QuoteSource,
    symbol: string,
    signal: AbortSignal,
    caller: Caller | undefined,
  ): Promise<{ source: string; quote: ConsensusQuote } | { source: string; error: MarketError }> {
    const source = adapter.id;
    const refusal = caller && (await this.options.refuseProviderCall?.(caller));
    if (refusal) return { source, error: refusal };
    const started = performance.now();
    try {
      const answers = await adapter.quote.fetch([symbol], { signal });
      const answer = answers.get(symbol) ?? new ProviderError(ProviderFailureKind.NOT_FOUND, source, `No quote for ${symbol}`);
      this.report(caller, source, started, answer instanceof ProviderError ? answer.kind : 'ok');
      if (answer instanceof Error) return { source, error: sourceError(source, answer) };
      return { source, quote: answer };
    } catch (error) {
      this.report(caller, source, started, error instanceof ProviderError ? error.kind : 'ERROR');
      if (signal.aborted && !(error instanceof ProviderError)) {
        return { source, error: new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, `${source}: no answer within the consensus's latency budget`, { provider: source }) };
      }
      return { source, error: sourceError(source, error) };
    }
  }

  private report(caller: Caller | undefined, provider: string, started: number, outcome: ProviderCallEvent['outcome']): void {
    this.options.onProviderCall?.({ caller, provider, capability: 'quote', items: 1, durationMs: performance.now() - started, outcome });
  }
}

/** Why a source did not answer, in words that name it and never carry the upstream's body. */
const FAILURE_WORDS: Record<ProviderFailureKind, string> = {
  [ProviderFailureKind.UNAVAILABLE]: 'unavailable (an outage, a timeout or an error page)',
  [ProviderFailureKind.BAD_RESPONSE]: 'its answer did not match its documented format',
  [ProviderFailureKind.UNAUTHORIZED]: 'its key or plan was refused',
  [ProviderFailureKind.RATE_LIMITED]: 'its quota is spent',
  [ProviderFailureKind.NOT_FOUND]: 'it knows no such symbol',
};

function sourceError(source: string, error: unknown): MarketError {
  const client = toClientError(error);
  if (!(error instanceof ProviderError)) return client;
  return new MarketError(client.code, `${source} did not answer: ${FAILURE_WORDS[error.kind]}.`, { provider: source });
}

type QuoteSource = ProviderAdapter & Required<Pick<ProviderAdapter, 'quote'>>;
type ConsensusQuote = Extract<ConsensusReading, { quote: unknown }>['quote'];

/** No source answered: NOT_FOUND when every one said so, else the first other error's code. */
function noAnswer(symbol: string, readings: readonly ConsensusReading[]): MarketError {
  const errors = readings.flatMap((reading) => ('error' in reading ? [reading.error] : []));
  if (errors.length > 0 && errors.every((error) => error.code === ErrorCode.NOT_FOUND)) {
    return new MarketError(ErrorCode.NOT_FOUND, `No provider knows ${symbol}.`, { symbol });
  }
  const first = errors.find((error) => error.code !== ErrorCode.NOT_FOUND);
  return new MarketError(first?.code ?? ErrorCode.PROVIDER_UNAVAILABLE, `No provider answered a quote of ${symbol}: ${errors.map((error) => error.message).join('; ')}`, { symbol });
}
