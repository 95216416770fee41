import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { CompanyProfile, FinancialStatement, Quote } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import { CompanyType } from '../types/company.js';
import { trackStale } from '../stale.js';
import { StatementArgs } from '../types/args.js';
import { QuoteType } from '../types/quote.js';
import { FinancialStatementType } from '../types/statements.js';
import { statementQuery } from './financials.js';

@Resolver(() => CompanyType)
export class CompanyResolver {
  @Query(() => CompanyType, { nullable: true, description: 'Company profile for a symbol.' })
  company(@Arg('symbol', () => String) symbol: string, @Ctx() { loaders, stale }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<CompanyProfile> {
    return trackStale(stale, info, loaders.profile.load(symbol));
  }

  @FieldResolver(() => QuoteType, { nullable: true, description: 'Latest quote of this company.' })
  quote(@Root() company: CompanyProfile, @Ctx() { loaders, stale }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Quote> {
    return trackStale(stale, info, loaders.quote.load(company.symbol));
  }

  @FieldResolver(() => [FinancialStatementType], { description: 'Reported financial statements, newest first.' })
  financials(
    @Root() company: CompanyProfile,
    @Args(() => StatementArgs) args: StatementArgs,
    @Ctx() { loaders, stale }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FinancialStatement[]> {
    return trackStale(stale, info, loaders.statements.load(statementQuery(company.symbol, args)));
  }
}
