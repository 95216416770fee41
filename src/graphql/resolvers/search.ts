import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { CompanyProfile, SymbolMatch } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput, guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale } from '../stale.js';
import { SearchArgs } from '../types/args.js';
import { CompanyType } from '../types/company.js';
import { SymbolMatchType } from '../types/search.js';

export const MAX_SEARCH_RESULTS = 100;

@Resolver(() => SymbolMatchType)
export class SearchResolver {
  @Directive(requiresRight('SEARCH'))
  @Query(() => [SymbolMatchType], {
    nullable: true,
    description: 'Symbols matching a ticker or words of a company name, best first: exact ticker, then ticker prefix, then name.',
  })
  search(
    @Args(() => SearchArgs) { query, limit: limitArg }: SearchArgs,
    @Ctx() { market, stale, consumer }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SymbolMatch[]> {
    const limit = limitArg ?? 10;
    if (limit < 1 || limit > MAX_SEARCH_RESULTS) {
      throw badInput(`limit must be between 1 and ${MAX_SEARCH_RESULTS}; got ${limit}.`, { min: 1, max: MAX_SEARCH_RESULTS });
    }
    return trackStale(stale, info, guard(() => market.search({ query, limit }, callerOf({ consumer }, info))));
  }

  @Directive(requiresRight('COMPANY'))
  @FieldResolver(() => CompanyType, { nullable: true, description: 'Profile of the matched company.' })
  company(@Root() match: SymbolMatch, @Ctx() { loaders, stale, consumer }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<CompanyProfile> {
    return trackStale(stale, info, loaders.profile.load(match.symbol, callerOf({ consumer }, info)));
  }
}
