import { Arg, Root, Subscription, Resolver, type SubscribeResolverData } from 'type-graphql';
import { MarketError, parseSymbol, type Quote } from '../../domain/index.js';
import type { StreamItem } from '../../streaming/hub.js';
import type { GraphQLContext } from '../context.js';
import { badInput, toGraphQLError } from '../errors.js';
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
 * The feed starts only once the snapshot has been read: a generator that is never started runs
 * no `finally`, so a feed opened before the first read could never be released.
 */
async function* withSnapshot(snapshot: readonly Quote[], startLive: () => AsyncIterableIterator<StreamItem>): AsyncGenerator<StreamItem> {
  yield* snapshot;
  const live = startLive();
  try {
    yield* live;
  } finally {
    await live.return?.();
  }
}

@Resolver()
export class QuoteSubscriptionResolver {
  @Subscription(() => QuoteType, {
    subscribe: subscribeToQuotes,
    description: 'Live quotes for the given symbols: the current quote of each at once, then every tick. A slow client receives the latest quote per symbol, never a backlog.',
  })
  quotes(@Arg('symbols', () => [String]) _symbols: string[], @Root() item: StreamItem): Quote {
    if (item instanceof Error) throw toGraphQLError(item);
    return item;
  }
}
