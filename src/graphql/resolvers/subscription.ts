import { Arg, Directive, Root, Subscription, Resolver, type SubscribeResolverData } from 'type-graphql';
import { ErrorCode, MarketError, parseSymbol, type Quote } from '../../domain/index.js';
import type { StreamItem } from '../../streaming/hub.js';
import type { GraphQLContext } from '../context.js';
import { badInput, toGraphQLError } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { QuoteType } from '../types/quote.js';
import { MAX_SYMBOLS_PER_LIST } from './quote.js';

interface QuotesArgs {
  readonly symbols: string[];
}

/**
 * Validates every symbol and checks it exists before any feed starts, so a typo is an error on
 * subscribe rather than a silent stream. The first item per symbol is its current quote, so a
 * client has a price at once instead of waiting for the next tick; after it, a symbol's items
 * never go back in time (the hub drops a tick older than what the client already has).
 */
async function subscribeToQuotes({ args, context }: SubscribeResolverData<unknown, QuotesArgs, GraphQLContext>): Promise<AsyncIterable<StreamItem>> {
  const { symbols: inputs } = args;
  if (inputs.length === 0) throw badInput('Name at least one symbol.');
  if (inputs.length > MAX_SYMBOLS_PER_LIST) {
    throw badInput(`At most ${MAX_SYMBOLS_PER_LIST} symbols per subscription; got ${inputs.length}.`, { limit: MAX_SYMBOLS_PER_LIST });
  }
  let symbols: string[];
  try {
    symbols = [...new Set(inputs.map(parseSymbol))];
  } catch (error) {
    throw toGraphQLError(error);
  }
  // Asked before the snapshot: with nothing to stream there is no subscription, and no provider call is owed.
  if (!context.hub.canStream) throw toGraphQLError(new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.'));
  const snapshot = await context.market.getQuotes(symbols);
  const failure = snapshot.find((item) => item instanceof MarketError);
  if (failure) throw toGraphQLError(failure);
  const current = new Map(symbols.map((symbol, index) => [symbol, snapshot[index] as Quote]));
  return startingOnRead(() => context.hub.watch(symbols, current));
}

/**
 * The live stream, opened on the first read: a stream that is never read never opens a feed.
 * The snapshot travels into the hub's watch rather than being queued in front of it, so the
 * hub's rules apply to it too (conflation, timestamps that never go back).
 *
 * Not an `async function*` on purpose: a generator queues `return()` behind a pending `next()`,
 * so a client leaving between ticks would hold its feed until the next tick (a minute, an hour).
 * Here `return()` releases the feed at once, which also ends the pending `next()`.
 */
function startingOnRead(startLive: () => AsyncIterableIterator<StreamItem>): AsyncIterableIterator<StreamItem> {
  let live: AsyncIterableIterator<StreamItem> | undefined;
  let done = false;
  const iterator: AsyncIterableIterator<StreamItem> = {
    async next() {
      if (done) return { value: undefined, done: true };
      live ??= startLive();
      return live.next();
    },
    async return() {
      done = true;
      await live?.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

@Resolver()
export class QuoteSubscriptionResolver {
  @Directive(requiresRight('STREAMING'))
  @Subscription(() => QuoteType, {
    subscribe: subscribeToQuotes,
    description:
      'Live quotes for the given symbols: the current quote of each at once, then every tick. A slow client receives the latest quote per symbol, never a backlog. ' +
      "Per symbol, an item's `timestamp` is never earlier than the previous item's.",
  })
  quotes(@Arg('symbols', () => [String]) _symbols: string[], @Root() item: StreamItem): Quote {
    if (item instanceof Error) throw toGraphQLError(item);
    return item;
  }
}
