import { Field, Float, ObjectType } from 'type-graphql';
import { DateTimeScalar, SafeIntScalar } from './scalars.js';
import { FallbackFromField, StaleField } from './provenance.js';

@ObjectType('Quote', { description: 'The latest price of a listed security, with where it came from and how fresh it is.' })
export class QuoteType {
  @Field(() => String, { description: 'Ticker symbol, upper case (e.g. AAPL, BRK.B).' })
  symbol!: string;

  @Field(() => Float, { description: 'Last trade price, in the listing currency.' })
  price!: number;

  @Field(() => Float, { description: 'Price change since the previous close.' })
  change!: number;

  @Field(() => Float, { description: 'Change since the previous close in percent: 1.84 means +1.84 %.' })
  changePercent!: number;

  @Field(() => Float, { nullable: true, description: "Today's opening price." })
  open!: number | null;

  @Field(() => Float, { nullable: true, description: "Today's high so far." })
  high!: number | null;

  @Field(() => Float, { nullable: true, description: "Today's low so far." })
  low!: number | null;

  @Field(() => Float, { nullable: true, description: "The previous session's closing price." })
  previousClose!: number | null;

  @Field(() => SafeIntScalar, { nullable: true, description: "Shares traded today so far." })
  volume!: number | null;

  @Field(() => DateTimeScalar, { description: 'Time of the trade or tick the price reflects.' })
  timestamp!: Date;

  @Field(() => String, { description: 'Provider that produced this quote (e.g. "simulated", "fmp").' })
  source!: string;

  @Field(() => DateTimeScalar, { description: 'When the provider produced this value.' })
  asOf!: Date;

  @StaleField()
  stale!: boolean;

  @FallbackFromField()
  fallbackFrom?: string[];
}
