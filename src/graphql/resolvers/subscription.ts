import { Arg, Directive, Root, Subscription, Resolver, type SubscribeResolverData } from 'type-graphql';
import { MarketError, parseSymbol, type Quote } from '../../domain/index.js';
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
 * client has a price at once instead of waiting for the next tick.
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
  const snapshot = await context.market.getQuotes(symbols);
  const failure = snapshot.find((item) => item instanceof MarketError);
  if (failure) throw toGraphQLError(failure);
  return withSnapshot(snapshot as Quote[], () => context.hub.watch(symbols));
}

/**
 * The snapshot, then the live stream. The feed starts only once the snapshot has been read, so a
 * stream that is never read never opens one.
 *
 * Not an `async function*` on purpose: a generator queues `return()` behind a pending `next()`,
 * so a client leaving between ticks would hold its feed until the next tick (a minute, an hour).
 * Here `return()` releases the feed at once, which also ends the pending `next()`.
 */
function withSnapshot(snapshot: readonly Quote[], startLive: () => AsyncIterableIterator<StreamItem>): AsyncIterableIterator<StreamItem> {
  const queued = [...snapshot];
  let live: AsyncIterableIterator<StreamItem> | undefined;
  let done = false;
  const iterator: AsyncIterableIterator<StreamItem> = {
    async next() {
      if (done) return { value: undefined, done: true };
      const first = queued.shift();
      if (first) return { value: first, done: false };
      live ??= startLive();
      return live.next();
    },
    async return() {
      done = true;
      queued.length = 0;
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
    description: 'Live quotes for the given symbols: the current quote of each at once, then every tick. A slow client receives the latest quote per symbol, never a backlog.',
  })
  quotes(@Arg('symbols', () => [String]) _symbols: string[], @Root() item: StreamItem): Quote {
    if (item instanceof Error) throw toGraphQLError(item);
    return item;
  }
}
