import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { Args, ArgsType, Directive, Field, Int, Root, Subscription, Resolver, type SubscribeResolverData } from 'type-graphql';
import { ErrorCode, MarketError, parseSymbol, type Quote } from '../../domain/index.js';
import type { DelayedQuote } from '../../market/delayed-quotes.js';
import type { StreamItem, WatchOptions } from '../../streaming/hub.js';
import type { GraphQLContext } from '../context.js';
import { badInput, toGraphQLError } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { callerOf, pathOf } from '../caller.js';
import { forbidden } from '../rights/enforce.js';
import { QuoteType } from '../types/quote.js';
import { MAX_SYMBOLS_PER_LIST } from './quote.js';

interface QuotesArgs {
  readonly symbols: string[];
  /** At most one item per symbol per this many ms (`throttleMs`); absent or null: every tick. */
  readonly throttleMs?: number | null | undefined;
}

/**
 * Validates every symbol and checks it exists before any feed starts, so a typo is an error on
 * subscribe rather than a silent stream. The first item per symbol is its current quote, so a
 * client has a price at once instead of waiting for the next tick; after it, a symbol's items
 * never go back in time (the hub drops a tick older than what the client already has).
 *
 * A consumer without QUOTES_REALTIME gets what `quotes` answers it over HTTP: delayed quotes
 * (`delayedStream`), never a live price.
 */
async function subscribeToQuotes(data: SubscribeResolverData<unknown, QuotesArgs, GraphQLContext>): Promise<AsyncIterable<StreamItem>> {
  checkQuoteRights(data.context, pathOf(data.info));
  const { symbols: inputs } = data.args;
  if (inputs.length === 0) throw badInput('Name at least one symbol.');
  if (inputs.length > MAX_SYMBOLS_PER_LIST) {
    throw badInput(`At most ${MAX_SYMBOLS_PER_LIST} symbols per subscription; got ${inputs.length}.`, { limit: MAX_SYMBOLS_PER_LIST });
  }
  checkThrottle(data.args.throttleMs);
  let symbols: string[];
  try {
    symbols = [...new Set(inputs.map(parseSymbol))];
  } catch (error) {
    throw toGraphQLError(error);
  }
  // Taken before the snapshot, so a consumer past its cap costs no provider call; given back when the stream ends.
  const release = data.context.streamSymbols?.take(data.context.consumer, symbols);
  try {
    return await openQuotes(data, symbols, release);
  } catch (error) {
    release?.();
    throw error;
  }
}

/**
 * The snapshot, then the live or delayed stream of `symbols`, validated; `release` is called once
 * when the stream ends. The stream is the hub's watch itself, opened on its first read (a stream
 * that is never read opens no feed); the snapshot travels into the watch rather than being queued
 * in front of it, so the hub's rules apply to it too (conflation, timestamps that never go back).
 * No wrapper sits between the watch and graphql-js: each one was a promise or two per item per
 * subscriber.
 */
async function openQuotes(
  { args, context, info }: SubscribeResolverData<unknown, QuotesArgs, GraphQLContext>,
  symbols: string[],
  release: (() => void) | undefined,
): Promise<AsyncIterable<StreamItem>> {
  // Asked before the snapshot: with nothing to stream there is no subscription, and no provider call is owed.
  if (!context.hub.canStream) throw toGraphQLError(new MarketError(ErrorCode.PROVIDER_UNAVAILABLE, 'No enabled provider can stream live quotes.'));
  const snapshot = await context.market.getQuotes(symbols, callerOf(context, info));
  const failure = snapshot.find((item) => item instanceof MarketError);
  if (failure) throw toGraphQLError(failure);
  const quotes = snapshot as Quote[];
  // The transport's tap (delivery metrics) and the client's throttle go with the watch.
  const watching: WatchOptions = { tap: context.tap, throttleMs: args.throttleMs ?? undefined, startOnRead: true, onEnd: release };
  if (!context.consumer.rights.has('QUOTES_REALTIME')) return delayedStream(context, symbols, quotes, watching);
  const current = new Map(symbols.map((symbol, index) => [symbol, quotes[index] as Quote]));
  return context.hub.watch(symbols, current, watching);
}

/**
 * The live stream as a consumer entitled to delayed quotes only sees it: each tick (and the
 * snapshot) stands for the quote at least 15 minutes old at that moment (`DelayedQuotes.fromLive`:
 * the price of 15 minutes ago on the simulated market, else ticks once they have aged), so items
 * keep the rhythm of the feed but never show a price younger than the delay. A delayed quote
 * already sent is not sent again.
 */
function delayedStream(context: GraphQLContext, symbols: readonly string[], snapshot: readonly Quote[], watching: WatchOptions): AsyncIterableIterator<StreamItem> {
  const shown = new Map<string, number>();
  const show = (symbol: string, tick: Quote): DelayedQuote | undefined => {
    const item = context.delayed.fromLive(tick);
    if (!item || item.timestamp.getTime() <= (shown.get(symbol) ?? Number.NEGATIVE_INFINITY)) return undefined;
    shown.set(symbol, item.timestamp.getTime());
    return item;
  };
  const current = new Map<string, Quote>();
  symbols.forEach((symbol, index) => {
    const item = show(symbol, snapshot[index] as Quote);
    if (item) current.set(symbol, item);
  });
  return context.hub.watch(symbols, current, { ...watching, view: (item) => (item instanceof Error ? item : show(item.symbol, item)) });
}

/**
 * A stream honours the rights of the equivalent queries: `quotes` needs QUOTES_DELAYED (and is
 * realtime with QUOTES_REALTIME), `realtimeQuotes` needs QUOTES_REALTIME. So either right admits
 * a subscription, and QUOTES_REALTIME decides which quotes it carries. The directive states one
 * right a consumer must have, not one of two, so this check is made here, before any work, and
 * recorded as the rights wrapper records its denials.
 */
function checkQuoteRights(context: GraphQLContext, path: string): void {
  const { consumer } = context;
  if (consumer.rights.has('QUOTES_REALTIME') || consumer.rights.has('QUOTES_DELAYED')) return;
  context.audit?.record({ time: new Date(), kind: 'DENIED', consumer: consumer.id, profile: consumer.profile, allowed: false, right: 'QUOTES_DELAYED', path });
  throw forbidden(consumer, 'QUOTES_DELAYED', 'Subscription.quotes');
}

/** The most `throttleMs` may ask for: beyond a minute a client wants a query, not a stream. */
export const MAX_THROTTLE_MS = 60_000;

/** `throttleMs` is a whole number of ms in [0, MAX_THROTTLE_MS] (0: every tick); anything else is BAD_USER_INPUT. */
function checkThrottle(throttleMs: number | null | undefined): void {
  if (throttleMs === null || throttleMs === undefined) return;
  if (!Number.isInteger(throttleMs) || throttleMs < 0 || throttleMs > MAX_THROTTLE_MS) {
    throw badInput(`throttleMs must be a whole number of milliseconds from 0 to ${MAX_THROTTLE_MS}; got ${throttleMs}.`, { limit: MAX_THROTTLE_MS });
  }
}

/** The arguments of both live-quote fields, as a class so the schema lists them in reading order. */
@ArgsType()
class LiveQuotesArgs {
  @Field(() => [String])
  symbols!: string[];

  @Field(() => Int, {
    nullable: true,
    description: `At most one item per symbol per this many milliseconds (0 to ${MAX_THROTTLE_MS}): the newest tick waiting when the time comes, older ones skipped. Absent: every tick.`,
  })
  throttleMs?: number | null;
}

/** A stream item as the client gets it: the quote, or the error about its symbol (the stream goes on). */
function itemOf(item: StreamItem): Quote {
  if (item instanceof Error) throw toGraphQLError(item);
  return item;
}

/** The Subscription fields below, whose resolver only hands each item on. */
const LIVE_QUOTE_FIELDS: ReadonlySet<string> = new Set(['quotes', 'realtimeQuotes']);

/**
 * The schema with the live-quote fields resolving each item synchronously. type-graphql's resolver
 * for a method with `@Args` answers with a promise on every call (its argument validation is an
 * `async` function even with validation off), and a subscription's resolver runs per item: every
 * tick then waited a microtask before anyone could take its shared result, and each subscriber
 * chained its own promise on it. These resolvers ignore their arguments (`subscribeToQuotes` read
 * them once), so the methods below only declare the fields; this is what runs.
 */
export function withSynchronousLiveQuotes(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.SUBSCRIPTION_ROOT_FIELD]: (fieldConfig, fieldName) =>
      LIVE_QUOTE_FIELDS.has(fieldName) ? { ...fieldConfig, resolve: (item: StreamItem) => itemOf(item) } : fieldConfig,
  });
}

@Resolver()
export class QuoteSubscriptionResolver {
  // STREAMING here; the quote rights, which are either of two, in `checkQuoteRights`.
  @Directive(requiresRight('STREAMING'))
  @Subscription(() => QuoteType, {
    subscribe: subscribeToQuotes,
    description:
      'Live quotes for the given symbols: the current quote of each at once, then every tick. A slow client receives the latest quote per symbol, never a backlog. ' +
      "Per symbol, an item's `timestamp` is never earlier than the previous item's. " +
      'Needs STREAMING, and QUOTES_DELAYED or QUOTES_REALTIME. Realtime with QUOTES_REALTIME; otherwise each item is the quote at least 15 minutes old at that moment (`delayed: true`), as `quotes` answers it. ' +
      'To be refused (FORBIDDEN) rather than served delayed items, subscribe to `realtimeQuotes`.',
  })
  quotes(
    @Args(() => LiveQuotesArgs) _args: LiveQuotesArgs,
    @Root() item: StreamItem,
  ): Quote {
    return itemOf(item);
  }

  // Mirrors the `realtimeQuotes` query: a client that must not show a delayed price asks for this
  // and is refused, rather than handed delayed items it would have to notice. The same stream as
  // `quotes` for a consumer with both rights (subscribeToQuotes picks realtime by the right).
  @Directive(requiresRight('STREAMING'))
  @Directive(requiresRight('QUOTES_REALTIME'))
  @Subscription(() => QuoteType, {
    subscribe: subscribeToQuotes,
    description:
      'Realtime live quotes for the given symbols, as `quotes` streams them to a consumer with QUOTES_REALTIME: FORBIDDEN without STREAMING or QUOTES_REALTIME, never a delayed item in their place.',
  })
  realtimeQuotes(
    @Args(() => LiveQuotesArgs) _args: LiveQuotesArgs,
    @Root() item: StreamItem,
  ): Quote {
    return itemOf(item);
  }
}
