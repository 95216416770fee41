import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { QuoteFeedSchema, type QuoteFeed as QuoteFeedValue } from '../../domain/index.js';
import { DateTimeScalar, SafeIntScalar } from './scalars.js';
import { FallbackFromField, StaleField } from './provenance.js';

/** The domain's feeds by their GraphQL names (`stream` → STREAM), so the two cannot drift apart. */
export const QuoteFeed = {
  STREAM: QuoteFeedSchema.enum.stream,
  POLL: QuoteFeedSchema.enum.poll,
  SIMULATED: QuoteFeedSchema.enum.simulated,
} as const satisfies Record<Uppercase<QuoteFeedValue>, QuoteFeedValue>;
registerEnumType(QuoteFeed, {
  name: 'QuoteFeed',
  description: 'How a live item reached the gateway.',
  valuesConfig: {
    STREAM: { description: "Pushed over the provider's websocket feed." },
    POLL: { description: "Polled from the provider's REST quotes (a provider without a usable feed)." },
    SIMULATED: { description: "A tick of the gateway's simulated market." },
  },
});

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

  // `feed` is resolved in QuoteResolver (null outside a subscription), declared there after these.

  @FallbackFromField()
  fallbackFrom?: string[];
}
