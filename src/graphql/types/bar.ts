import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { BarProblemKindSchema, type BarProblemKind as BarProblemKindValue } from '../../domain/index.js';
import { DateScalar, SafeIntScalar } from './scalars.js';

/** The GraphQL enum is the domain's zod enum, so the two cannot drift apart. */
export const BarProblemKind = BarProblemKindSchema.enum;
registerEnumType(BarProblemKind, {
  name: 'BarProblemKind',
  description: 'What is wrong with a bar of a price history.',
  valuesConfig: {
    OUT_OF_ORDER: { description: 'Dated before the bar it follows: bars come oldest first.' },
    DUPLICATE: { description: 'A second bar for the same date.' },
    OHLC_INVALID: { description: 'Prices that contradict each other: low above high, open or close outside low–high, a price of zero or less.' },
    NOT_A_SESSION: { description: 'A daily bar dated on a weekend or US exchange holiday (US listings only).' },
    MISSING_SESSIONS: { description: 'Trading days missing between the previous bar and this one, by the US equity calendar (daily bars of US listings only).' },
  },
});

@ObjectType('BarProblem', { description: 'A problem found in a price history: the gateway passes the bars on as the provider gave them and says what is wrong.' })
export class BarProblemType {
  @Field(() => BarProblemKind)
  kind!: BarProblemKindValue;

  @Field(() => [DateScalar], { description: 'For MISSING_SESSIONS, the sessions missing before this bar, oldest first (at most 20; `message` gives the count); else empty.' })
  missingDates!: readonly string[];

  @Field(() => String)
  message!: string;
}

@ObjectType('Bar', { description: 'One OHLCV bar of a price history.' })
export class BarType {
  @Field(() => DateScalar, { description: 'Session date (first session of the week or month for longer bars).' })
  date!: string;

  @Field(() => Float)
  open!: number;

  @Field(() => Float)
  high!: number;

  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  close!: number;

  @Field(() => SafeIntScalar, { description: 'Shares traded over the bar.' })
  volume!: number;

  // `problems` is resolved in BarResolver (resolvers/history.ts).
}
