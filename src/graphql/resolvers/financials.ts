import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, Info, Query, Resolver } from 'type-graphql';
import type { FinancialStatement, StatementQuery } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale } from '../stale.js';
import { FinancialsArgs, type StatementArgs } from '../types/args.js';
import { FinancialStatementType } from '../types/statements.js';

/** Most periods one statement query returns: ten years of quarters. */
export const MAX_STATEMENT_PERIODS = 40;

/** The statement query for `symbol`, defaults applied and the limit checked. */
export function statementQuery(symbol: string, args: StatementArgs): StatementQuery {
  const limit = args.limit ?? 4;
  if (limit < 1 || limit > MAX_STATEMENT_PERIODS) {
    throw badInput(`limit must be between 1 and ${MAX_STATEMENT_PERIODS}; got ${limit}.`, { min: 1, max: MAX_STATEMENT_PERIODS });
  }
  return { symbol, statement: args.statement, period: args.period ?? 'ANNUAL', limit };
}

@Resolver()
export class FinancialsResolver {
  @Directive(requiresRight('FUNDAMENTALS'))
  @Query(() => [FinancialStatementType], { nullable: true, description: 'Reported financial statements of a company, newest first.' })
  financials(
    @Args(() => FinancialsArgs) args: FinancialsArgs,
    @Ctx() { loaders, stale, consumer }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FinancialStatement[]> {
    return trackStale(stale, info, loaders.statements.load(statementQuery(args.symbol, args), callerOf({ consumer }, info)));
  }
}
