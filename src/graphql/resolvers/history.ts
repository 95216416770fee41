import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, Info, Query, Resolver } from 'type-graphql';
import type { Bar } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput, guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale } from '../stale.js';
import { BarType } from '../types/bar.js';
import { HistoryArgs } from '../types/args.js';

const DAY_MS = 86_400_000;
/** Longest range one request may ask for; providers rarely hold more daily history. */
const MAX_RANGE_YEARS = 30;

@Resolver()
export class HistoryResolver {
  @Directive(requiresRight('HISTORY'))
  @Query(() => [BarType], {
    nullable: true,
    description: 'OHLCV bars, oldest first. `to` defaults to today and `from` to one year before `to`; both are inclusive.',
  })
  priceHistory(
    @Args(() => HistoryArgs) { symbol, from, to, interval }: HistoryArgs,
    @Ctx() { market, stale, now, consumer }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Bar[]> {
    const end = to ?? new Date(now());
    const start = from ?? new Date(end.getTime() - 365 * DAY_MS);
    if (start.getTime() > end.getTime()) throw badInput('`from` must not be after `to`.');
    if (end.getTime() - start.getTime() > MAX_RANGE_YEARS * 366 * DAY_MS) {
      throw badInput(`A price history spans at most ${MAX_RANGE_YEARS} years.`, { maxYears: MAX_RANGE_YEARS });
    }
    return trackStale(stale, info, guard(() => market.getHistory({ symbol, from: isoDate(start), to: isoDate(end), interval: interval ?? 'DAY' }, callerOf({ consumer }, info))));
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
