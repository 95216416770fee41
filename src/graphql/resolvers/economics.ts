import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, Info, Query, Resolver } from 'type-graphql';
import type { EconomicSeries } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput, guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale } from '../stale.js';
import { EconomicSeriesArgs, EconomicSeriesType } from '../types/economics.js';

@Resolver()
export class EconomicsResolver {
  @Directive(requiresRight('ECONOMICS'))
  @Query(() => EconomicSeriesType, {
    nullable: true,
    description:
      'An economic series and its observations, oldest first. `from` and `to` are inclusive and default to the whole series. ' +
      'An unknown id is null with NOT_FOUND (`extensions.id` names it).',
  })
  economicSeries(
    @Args(() => EconomicSeriesArgs) { id, from, to }: EconomicSeriesArgs,
    @Ctx() { market, stale, consumer }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<EconomicSeries> {
    if (from && to && from.getTime() > to.getTime()) throw badInput('`from` must not be after `to`.');
    return trackStale(
      stale,
      info,
      guard(() => market.getEconomicSeries({ id, ...(from ? { from: isoDate(from) } : {}), ...(to ? { to: isoDate(to) } : {}) }, callerOf({ consumer }, info))),
    );
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
