import { ANONYMOUS_PUBLIC, DEFAULT_QUALITY_POLICY, systemClock, type Clock, type Consumer } from '../domain/index.js';
import { DelayedQuotes } from '../market/delayed-quotes.js';
import { QuoteConsensus } from '../market/quality/consensus-reads.js';
import { QuoteGrader } from '../market/quality/quote-grader.js';
import type { MarketService } from '../market/service.js';
import type { AuditTrail } from '../observability/audit.js';
import type { ProviderRegistry } from '../market/routing/registry.js';
import type { QuoteHub, WatchTap } from '../streaming/hub.js';
import { createLoaders, type Loaders } from './loaders.js';
import { DataProblems } from './data-problems.js';
import { StaleTracker } from './stale.js';

/**
 * The symbols a consumer may watch at once over its open subscriptions (server/ws-limits.ts,
 * LIMIT_STREAM_SYMBOLS_PER_CONSUMER). A subscription takes its symbols before it starts and calls
 * the answer when its stream ends; past the cap, `take` throws the RATE_LIMITED refusal.
 */
export interface StreamSymbolBudget {
  take(consumer: Consumer, symbols: readonly string[]): () => void;
}

/** What every resolver may reach. Built once per HTTP request or per subscription. */
export interface GraphQLContext {
  readonly loaders: Loaders;
  readonly market: MarketService;
  readonly providers: ProviderRegistry;
  readonly hub: QuoteHub;
  /** Quotes at least 15 minutes old, for consumers without QUOTES_REALTIME (queries use `loaders.delayedQuote`; streams, this). */
  readonly delayed: DelayedQuotes;
  /**
   * The answers of this request served stale, by response path; filled by the resolvers whose
   * result can come from the stale cache, read by the server for `extensions.stale`.
   */
  readonly stale: StaleTracker;
  /** Problems found in this request's answers (price history checks), read by the server for `extensions.dataProblems`. */
  readonly dataProblems: DataProblems;
  /** Who is asking (src/auth); rights, audit, throttling and the response cache read it. */
  readonly consumer: Consumer;
  /** The audit trail, read back by `auditLog`; absent where no one built one (some tests). */
  readonly audit?: AuditTrail;
  /** "Now" for market data (SIMULATED_NOW or the system clock): defaults such as a history's end. */
  readonly now: Clock;
  /** Grades quotes (`Quote.quality`, consensus) and counts each provider's grades. */
  readonly grader: QuoteGrader;
  /** `quoteConsensus`: a fresh quote from every quote provider, compared. */
  readonly consensus: QuoteConsensus;
  /** On a subscription: what its transport learns from the hub (conflated and read items, for delivery metrics). */
  readonly tap?: WatchTap;
  /** Symbols per consumer over its subscriptions; unbounded when absent (tests, no limits). */
  readonly streamSymbols?: StreamSymbolBudget;
}

/** The long-lived parts the per-request context is built from. */
export interface ContextDependencies {
  readonly market: MarketService;
  readonly providers: ProviderRegistry;
  readonly hub: QuoteHub;
  /** Quotes for consumers without QUOTES_REALTIME; default: delayed from `market`, one per market. */
  readonly delayedQuotes?: DelayedQuotes;
  readonly audit?: AuditTrail;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: one per registry with the default policy, learning nothing from provider answers (tests). */
  readonly grader?: QuoteGrader;
  /** Default: one per registry over `grader`, with no budget and no call reports (tests). */
  readonly consensus?: QuoteConsensus;
  /** One per instance, shared by every context: the cap counts all of a consumer's subscriptions. */
  readonly streamSymbols?: StreamSymbolBudget;
}

/** Delayed quotes remember recent quotes, so contexts of one market share one. */
const defaultDelayed = new WeakMap<MarketService, DelayedQuotes>();

function delayedOf(dependencies: ContextDependencies): DelayedQuotes {
  if (dependencies.delayedQuotes) return dependencies.delayedQuotes;
  let delayed = defaultDelayed.get(dependencies.market);
  if (!delayed) {
    const market = dependencies.market;
    delayed = new DelayedQuotes({ current: (symbols, caller) => market.getQuotes(symbols, caller) });
    defaultDelayed.set(market, delayed);
  }
  return delayed;
}

const defaultGraders = new WeakMap<ProviderRegistry, QuoteGrader>();

function graderOf(dependencies: ContextDependencies): QuoteGrader {
  if (dependencies.grader) return dependencies.grader;
  const { providers } = dependencies;
  let grader = defaultGraders.get(providers);
  if (!grader) {
    grader = new QuoteGrader({ policy: DEFAULT_QUALITY_POLICY, clock: dependencies.clock ?? systemClock, providers });
    defaultGraders.set(providers, grader);
  }
  return grader;
}

const defaultConsensus = new WeakMap<ProviderRegistry, QuoteConsensus>();

function consensusOf(dependencies: ContextDependencies, grader: QuoteGrader): QuoteConsensus {
  if (dependencies.consensus) return dependencies.consensus;
  let consensus = defaultConsensus.get(dependencies.providers);
  if (!consensus) defaultConsensus.set(dependencies.providers, (consensus = new QuoteConsensus({ registry: dependencies.providers, grader })));
  return consensus;
}

export function createContext(dependencies: ContextDependencies, consumer: Consumer = ANONYMOUS_PUBLIC): GraphQLContext {
  const { delayedQuotes: _delayed, clock, grader: _grader, consensus: _consensus, ...rest } = dependencies;
  const delayed = delayedOf(dependencies);
  const grader = graderOf(dependencies);
  return {
    ...rest,
    now: clock ?? systemClock,
    grader,
    consensus: consensusOf(dependencies, grader),
    delayed,
    loaders: createLoaders(dependencies.market, delayed),
    stale: new StaleTracker(),
    dataProblems: new DataProblems(),
    consumer,
  };
}
