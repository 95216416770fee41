import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { CompanyProfile, Quote } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import { badInput } from '../errors.js';
import { trackStale, trackStaleItems } from '../stale.js';
import { CompanyType } from '../types/company.js';
import { QuoteType } from '../types/quote.js';

/** Longest list `quotes(symbols:)` accepts; beyond it a client should page. */
export const MAX_SYMBOLS_PER_LIST = 200;

@Resolver(() => QuoteType)
export class QuoteResolver {
  @Query(() => QuoteType, { nullable: true, description: 'Latest quote for one symbol.' })
  quote(@Arg('symbol', () => String) symbol: string, @Ctx() { loaders, stale }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Quote> {
    return trackStale(stale, info, loaders.quote.load(symbol));
  }

  @Query(() => [QuoteType], {
    nullable: 'items',
    description: `Latest quotes for up to ${MAX_SYMBOLS_PER_LIST} symbols, in the order asked. A bad or unknown symbol is a null entry with an error at its index; the rest of the list is unaffected.`,
  })
  async quotes(
    @Arg('symbols', () => [String]) symbols: string[],
    @Ctx() { loaders, stale }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Array<Quote | Error>> {
    if (symbols.length > MAX_SYMBOLS_PER_LIST) {
      throw badInput(`At most ${MAX_SYMBOLS_PER_LIST} symbols per request; got ${symbols.length}.`, { limit: MAX_SYMBOLS_PER_LIST });
    }
    return trackStaleItems(stale, info, loaders.quote.loadMany(symbols));
  }

  @FieldResolver(() => CompanyType, { nullable: true, description: 'Profile of the company behind this symbol.' })
  company(@Root() quote: Quote, @Ctx() { loaders, stale }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<CompanyProfile> {
    return trackStale(stale, info, loaders.profile.load(quote.symbol));
  }
}

