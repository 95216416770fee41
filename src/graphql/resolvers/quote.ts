import type { CallerLoader } from '../caller-loader.js';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Directive, Extensions, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { CompanyProfile, Quote, QuoteFeed as QuoteFeedValue, QuoteQuality } from '../../domain/index.js';
import type { DelayedQuote } from '../../market/delayed-quotes.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale, trackStaleItems } from '../stale.js';
import { CompanyType } from '../types/company.js';
import { PER_CALLER } from '../types/field-marks.js';
import { QualityType } from '../types/quality.js';
import { QuoteFeed, QuoteType } from '../types/quote.js';

/** Longest list `quotes(symbols:)` accepts; beyond it a client should page. */
export const MAX_SYMBOLS_PER_LIST = 200;

/**
 * The quotes a consumer is entitled to: realtime with QUOTES_REALTIME, otherwise at least 15
 * minutes old. Either way one loader, so one batch and one provider call per request.
 */
export function entitledQuotes({ consumer, loaders }: GraphQLContext): CallerLoader<string, Quote, string> {
  return consumer.rights.has('QUOTES_REALTIME') ? loaders.quote : loaders.delayedQuote;
}

const ENTITLED = 'Realtime for consumers with the QUOTES_REALTIME right, otherwise at least 15 minutes old (`delayed` says which).';

function checkListLength(symbols: readonly string[]): void {
  if (symbols.length > MAX_SYMBOLS_PER_LIST) {
    throw badInput(`At most ${MAX_SYMBOLS_PER_LIST} symbols per request; got ${symbols.length}.`, { limit: MAX_SYMBOLS_PER_LIST });
  }
}

@Resolver(() => QuoteType)
export class QuoteResolver {
  @Directive(requiresRight('QUOTES_DELAYED'))
  @Query(() => QuoteType, { nullable: true, description: `Latest quote for one symbol. ${ENTITLED}` })
  quote(@Arg('symbol', () => String) symbol: string, @Ctx() context: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Quote> {
    return trackStale(context.stale, info, entitledQuotes(context).load(symbol, callerOf(context, info)));
  }

  @Directive(requiresRight('QUOTES_DELAYED'))
  @Query(() => [QuoteType], {
    nullable: 'itemsAndList',
    description: `Latest quotes for up to ${MAX_SYMBOLS_PER_LIST} symbols, in the order asked. A bad or unknown symbol is a null entry with an error at its index; the rest of the list is unaffected. ${ENTITLED}`,
  })
  async quotes(@Arg('symbols', () => [String]) symbols: string[], @Ctx() context: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Array<Quote | Error>> {
    checkListLength(symbols);
    return trackStaleItems(context.stale, info, entitledQuotes(context).loadMany(symbols, callerOf(context, info)));
  }

  @Directive(requiresRight('QUOTES_REALTIME'))
  @Query(() => QuoteType, {
    nullable: true,
    description: 'Realtime quote for one symbol: FORBIDDEN without the QUOTES_REALTIME right, never a delayed one in its place.',
  })
  realtimeQuote(@Arg('symbol', () => String) symbol: string, @Ctx() { loaders, stale, consumer }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Quote> {
    return trackStale(stale, info, loaders.quote.load(symbol, callerOf({ consumer }, info)));
  }

  @Directive(requiresRight('QUOTES_REALTIME'))
  @Query(() => [QuoteType], {
    nullable: 'itemsAndList',
    description: `Realtime quotes for up to ${MAX_SYMBOLS_PER_LIST} symbols, in the order asked, as \`quotes\`: FORBIDDEN without the QUOTES_REALTIME right.`,
  })
  async realtimeQuotes(@Arg('symbols', () => [String]) symbols: string[], @Ctx() { loaders, stale, consumer }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Array<Quote | Error>> {
    checkListLength(symbols);
    return trackStaleItems(stale, info, loaders.quote.loadMany(symbols, callerOf({ consumer }, info)));
  }

  /**
   * `feed` outside a subscription is null, whatever the object holds. Live sources set it and the
   * market cache drops it, but a query may still be answered from a remembered tick (delayed
   * quotes keep recent ticks to age them): a query answer is never a live item, so this is where
   * it is said. A field resolver with no arguments, not a middleware: type-graphql runs every
   * middleware asynchronously, which made each live item's execution wait a microtask.
   */
  @FieldResolver(() => QuoteFeed, { nullable: true, description: 'How a live item reached the gateway; null on query answers, the current quote a subscription starts with included.' })
  feed(@Root() quote: Quote, @Info() info: GraphQLResolveInfo): QuoteFeedValue | null {
    return info.operation.operation === 'subscription' ? (quote.feed ?? null) : null;
  }

  @FieldResolver(() => Boolean, { description: 'True when this quote is held back by at least 15 minutes (the consumer lacks QUOTES_REALTIME).' })
  delayed(@Root() quote: Quote): boolean {
    return (quote as Partial<DelayedQuote>).delayMinutes !== undefined;
  }

  @FieldResolver(() => Int, { description: 'Whole minutes between `timestamp` and when this quote was served, for a delayed quote; 0 for a realtime one.' })
  delayMinutes(@Root() quote: Quote): number {
    return (quote as Partial<DelayedQuote>).delayMinutes ?? 0;
  }

  /**
   * Graded from what the gateway knows already (market/quality/quote-grader.ts): no provider call.
   * Not marked ANSWER_TIME: a live item's grade is worked out once per tick for all its
   * subscribers, and timeliness moves in seconds, not in the moments between their reads.
   */
  @FieldResolver(() => QualityType, {
    description:
      'How far this quote can be trusted: an A–F grade from a 0–100 score over timeliness (judged against the market session), completeness, consistency, agreement with other providers and the provider’s health, each dimension saying why it lost points. Costs no provider call.',
  })
  quality(@Root() quote: Quote, @Ctx() { grader, delayed }: GraphQLContext): QuoteQuality {
    const delayMs = (quote as Partial<DelayedQuote>).delayMinutes === undefined ? 0 : delayed.delayMinutes * 60_000;
    return grader.grade(quote, delayMs);
  }

  @Directive(requiresRight('COMPANY'))
  // Its provider call is the caller's (quota, audit), so a live item selecting it is executed per subscriber.
  @Extensions(PER_CALLER)
  @FieldResolver(() => CompanyType, { nullable: true, description: 'Profile of the company behind this symbol.' })
  company(@Root() quote: Quote, @Ctx() { loaders, stale, consumer }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<CompanyProfile> {
    return trackStale(stale, info, loaders.profile.load(quote.symbol, callerOf({ consumer }, info)));
  }
}
