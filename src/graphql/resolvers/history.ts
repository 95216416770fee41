import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Directive, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { checkBars, parseSymbol, type Bar, type BarProblem, type Interval } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { badInput, guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { trackStale } from '../stale.js';
import type { DataProblems } from '../data-problems.js';
import { BarProblemType, BarType } from '../types/bar.js';
import { HistoryArgs } from '../types/args.js';

const DAY_MS = 86_400_000;
/** Longest range one request may ask for; providers rarely hold more daily history. */
const MAX_RANGE_YEARS = 30;

@Resolver()
export class HistoryResolver {
  @Directive(requiresRight('HISTORY'))
  @Query(() => [BarType], {
    nullable: true,
    description:
      'OHLCV bars, oldest first. `to` defaults to today and `from` to one year before `to`; both are inclusive. ' +
      "The bars are checked, never silently repaired: each bar's `problems` say what is wrong with it (order, duplicates, OHLC, missing sessions by the US equity calendar), and `extensions.dataProblems` of the response lists them all.",
  })
  priceHistory(
    @Args(() => HistoryArgs) { symbol, from, to, interval }: HistoryArgs,
    @Ctx() { market, stale, now, consumer, dataProblems }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Bar[]> {
    const end = to ?? new Date(now());
    const start = from ?? new Date(end.getTime() - 365 * DAY_MS);
    if (start.getTime() > end.getTime()) throw badInput('`from` must not be after `to`.');
    if (end.getTime() - start.getTime() > MAX_RANGE_YEARS * 366 * DAY_MS) {
      throw badInput(`A price history spans at most ${MAX_RANGE_YEARS} years.`, { maxYears: MAX_RANGE_YEARS });
    }
    const asked = interval ?? 'DAY';
    const bars = trackStale(stale, info, guard(() => market.getHistory({ symbol, from: isoDate(start), to: isoDate(end), interval: asked }, callerOf({ consumer }, info))));
    return bars.then((history) => checked(history, symbol, asked, dataProblems, info));
  }
}

/** A bar with the problems found in it; bars without any are passed on as they are. */
type CheckedBar = Bar & { readonly problems?: readonly BarProblem[] };

/**
 * What each history the cache holds was found to have, by its array: the market cache hands the
 * same array to every read of a key while it lives in L1, and checking ten years of bars costs
 * about a millisecond, so a history is checked once, not once per request.
 */
const problemsOf = new WeakMap<readonly Bar[], BarProblem[]>();

/**
 * The bars with their problems (domain/quality/bar-checks.ts), noted for the response's
 * extensions too. Bars come from the cache as shared objects, so a bar with problems is copied
 * rather than marked.
 */
function checked(bars: Bar[], symbol: string, interval: Interval, notes: DataProblems, info: GraphQLResolveInfo): CheckedBar[] {
  let problems = problemsOf.get(bars);
  if (problems === undefined) problemsOf.set(bars, (problems = checkBars(parseSymbol(symbol), interval, bars)));
  if (problems.length === 0) return bars;
  notes.note(info, problems);
  const byIndex = new Map<number, BarProblem[]>();
  for (const problem of problems) byIndex.set(problem.index, [...(byIndex.get(problem.index) ?? []), problem]);
  return bars.map((bar, index) => (byIndex.has(index) ? { ...bar, problems: byIndex.get(index) } : bar));
}

@Resolver(() => BarType)
export class BarResolver {
  @FieldResolver(() => [BarProblemType], { description: 'What is wrong with this bar (see BarProblemKind); empty for a sound one.' })
  problems(@Root() bar: CheckedBar): readonly BarProblem[] {
    return bar.problems ?? [];
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
