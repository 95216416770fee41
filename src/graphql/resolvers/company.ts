import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Directive, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { CompanyProfile, FinancialStatement, Quote } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { CompanyType } from '../types/company.js';
import { trackStale } from '../stale.js';
import { StatementArgs } from '../types/args.js';
import { QuoteType } from '../types/quote.js';
import { FinancialStatementType } from '../types/statements.js';
import { requiresRight } from '../rights/directive.js';
import { statementQuery } from './financials.js';
import { entitledQuotes } from './quote.js';

@Resolver(() => CompanyType)
export class CompanyResolver {
  @Directive(requiresRight('COMPANY'))
  @Query(() => CompanyType, { nullable: true, description: 'Company profile for a symbol.' })
  company(@Arg('symbol', () => String) symbol: string, @Ctx() { loaders, stale, consumer }: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<CompanyProfile> {
    return trackStale(stale, info, loaders.profile.load(symbol, callerOf({ consumer }, info)));
  }

  @Directive(requiresRight('QUOTES_DELAYED'))
  @FieldResolver(() => QuoteType, {
    nullable: true,
    description: 'Latest quote of this company: realtime with the QUOTES_REALTIME right, otherwise at least 15 minutes old.',
  })
  quote(@Root() company: CompanyProfile, @Ctx() context: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Quote> {
    return trackStale(context.stale, info, entitledQuotes(context).load(company.symbol, callerOf(context, info)));
  }

  @Directive(requiresRight('FUNDAMENTALS'))
  @FieldResolver(() => [FinancialStatementType], { nullable: true, description: 'Reported financial statements, newest first.' })
  financials(
    @Root() company: CompanyProfile,
    @Args(() => StatementArgs) args: StatementArgs,
    @Ctx() { loaders, stale, consumer }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FinancialStatement[]> {
    return trackStale(stale, info, loaders.statements.load(statementQuery(company.symbol, args), callerOf({ consumer }, info)));
  }
}
