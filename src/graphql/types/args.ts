import { ArgsType, Field, Int } from 'type-graphql';
import type { Interval as IntervalValue, Period as PeriodValue, StatementType as StatementTypeValue } from '../../domain/index.js';
import { Interval, Period, StatementType } from './enums.js';
import { DateScalar } from './scalars.js';

/**
 * Arguments as classes so the schema lists them in reading order (parameter decorators would
 * register them last-first). Defaults are nullable as the contract says; an explicit null means
 * the default, which the resolvers apply.
 */
@ArgsType()
class SymbolArgs {
  @Field(() => String)
  symbol!: string;
}

/**
 * Which statement and periods to read, after whatever `base` declares: type-graphql lists an
 * args class's inherited fields first, so `financials(symbol, …)` and `Company.financials(…)`
 * share these three without the symbol moving to the end.
 */
// A mixin's base must be typed with `any[]` constructor arguments (TS2545); it stays in this file.
function withStatementArgs<Base extends new (...args: any[]) => object>(base: Base) {
  @ArgsType()
  class StatementSelection extends base {
    @Field(() => StatementType)
    statement!: StatementTypeValue;

    @Field(() => Period, { nullable: true, defaultValue: 'ANNUAL' })
    period!: PeriodValue | null;

    @Field(() => Int, { nullable: true, defaultValue: 4, description: 'Most periods to return, 1 to 40.' })
    limit!: number | null;
  }
  return StatementSelection;
}

@ArgsType()
export class StatementArgs extends withStatementArgs(Object) {}

@ArgsType()
export class FinancialsArgs extends withStatementArgs(SymbolArgs) {}

@ArgsType()
export class HistoryArgs extends SymbolArgs {
  @Field(() => DateScalar, { nullable: true, description: 'First day, inclusive. Default: one year before `to`.' })
  from!: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day, inclusive. Default: today.' })
  to!: Date | null;

  @Field(() => Interval, { nullable: true, defaultValue: 'DAY' })
  interval!: IntervalValue | null;
}

@ArgsType()
export class SearchArgs {
  @Field(() => String, { description: 'A ticker or words of a company name.' })
  query!: string;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Most matches to return, 1 to 100.' })
  limit!: number | null;
}
