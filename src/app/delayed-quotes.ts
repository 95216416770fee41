import type { Config } from '../config/index.js';
import type { Caller, Clock, MarketError, Quote } from '../domain/index.js';
import { DelayedQuotes } from '../market/delayed-quotes.js';
import type { MarketService } from '../market/service.js';
import type { ProviderAdapter } from '../providers/adapter.js';
import type { ProviderCallListener } from './provider-calls.js';

/**
 * Quotes for consumers without QUOTES_REALTIME. When the simulated market leads the quote chain,
 * they are priced as of now − 15 min by it (and reported as its provider calls); otherwise they
 * are the provider's own quotes once at least 15 minutes old.
 */
export function createDelayedQuotes(
  config: Pick<Config, 'providers' | 'cache'>,
  parts: {
    readonly adapters: readonly ProviderAdapter[];
    readonly market: MarketService;
    /** "Now" for market data: delayed quotes are priced as of now − 15 min on it. */
    readonly clock: Clock;
    readonly emitProviderCall: ProviderCallListener;
    /** Asked before delayed quotes price the past, as the market service asks before a provider call. */
    readonly refuseProviderCall: (caller: Caller) => Promise<MarketError | undefined>;
  },
): DelayedQuotes {
  const lead = parts.adapters.find((adapter) => adapter.id === config.providers[0]);
  const quoteAt = lead && hasQuoteAt(lead) ? lead.quoteAt : undefined;
  return new DelayedQuotes({
    current: (symbols, caller) => parts.market.getQuotes(symbols, caller),
    now: parts.clock,
    // A price of the past is reused as long as a current quote is cached, and, like one, costs no call meanwhile.
    reuseMs: config.cache.ttlMs.quote,
    refuseCall: parts.refuseProviderCall,
    ...(lead && quoteAt
      ? { quoteAt, onPriced: ({ items, durationMs, caller }) => parts.emitProviderCall({ caller, provider: lead.id, capability: 'quote', items, durationMs, outcome: 'ok' }) }
      : {}),
  });
}

/** The simulated market can price any instant; remote providers cannot. */
function hasQuoteAt(adapter: ProviderAdapter): adapter is ProviderAdapter & { quoteAt(symbol: string, timeMs: number): Quote } {
  return typeof (adapter as { quoteAt?: unknown }).quoteAt === 'function';
}
