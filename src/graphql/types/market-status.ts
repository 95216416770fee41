import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { MarketSessionSchema, type MarketSession as MarketSessionValue } from '../../domain/index.js';
import { DateTimeScalar } from './scalars.js';

/** The GraphQL enum is the domain's zod enum, so the two cannot drift apart. */
export const MarketSession = MarketSessionSchema.enum;
registerEnumType(MarketSession, {
  name: 'MarketSession',
  description: 'A trading session of the US equity exchanges, in New York time. Each includes its start and excludes its end.',
  valuesConfig: {
    PRE_MARKET: { description: '04:00–09:30 on a trading day.' },
    REGULAR: { description: '09:30–16:00 on a trading day; 09:30–13:00 on an early-close day.' },
    AFTER_HOURS: { description: '16:00–20:00 on a trading day; 13:00–17:00 on an early-close day.' },
    CLOSED: { description: 'Outside every session: overnight, weekends and exchange holidays.' },
  },
});

@ObjectType('MarketStatus', {
  description:
    'Whether an exchange is trading, by its published calendar (holidays, early closes, daylight saving), as of the gateway’s current time. ' +
    'A calendar, not a feed: it says nothing of halts or outages.',
})
export class MarketStatusType {
  @Field(() => String, { description: 'The exchange answered for, by its canonical code: NYSE or NASDAQ (XNYS and XNAS are answered as these).' })
  exchange!: string;

  @Field(() => Boolean, { description: 'Whether the regular session is open (`session` is REGULAR).' })
  isOpen!: boolean;

  @Field(() => MarketSession, { description: 'The session at `asOf`.' })
  session!: MarketSessionValue;

  @Field(() => String, {
    nullable: true,
    description: 'The holiday the exchange is closed for on this New York date, as observed (e.g. "Independence Day" on Friday 2026-07-03); null on trading days and ordinary weekends.',
  })
  holiday!: string | null;

  @Field(() => Boolean, { description: 'Whether this New York date is a trading day whose regular session closes early, at 13:00 New York time.' })
  earlyClose!: boolean;

  @Field(() => DateTimeScalar, { description: 'The next opening of the regular session after `asOf` (while it is open: the next trading day’s).' })
  nextOpen!: Date;

  @Field(() => DateTimeScalar, { description: 'The next close of the regular session after `asOf` (while it is open: today’s, at 13:00 on an early-close day).' })
  nextClose!: Date;

  @Field(() => DateTimeScalar, { description: 'The instant answered for: the gateway’s current time for market data.' })
  asOf!: Date;
}
