import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { BreakerState as BreakerStateValue } from '../../market/routing/provider-health.js';
import { requiresRight } from '../rights/directive.js';
import { Capability } from './enums.js';
import { DateTimeScalar, SafeIntScalar } from './scalars.js';

export const BreakerState = { CLOSED: 'CLOSED', OPEN: 'OPEN', HALF_OPEN: 'HALF_OPEN' } as const satisfies Record<BreakerStateValue, BreakerStateValue>;
registerEnumType(BreakerState, {
  name: 'BreakerState',
  description: 'State of a provider circuit breaker.',
  valuesConfig: {
    CLOSED: { description: 'Calls go through.' },
    OPEN: { description: 'Calls are refused without reaching the provider, until a probe is allowed after the open period.' },
    HALF_OPEN: { description: 'One probe call is on its way; its outcome closes or reopens the breaker.' },
  },
});

@ObjectType('BreakerStatus', { description: 'The circuit breaker in front of a provider.' })
export class BreakerStatusType {
  @Field(() => BreakerState, { description: 'Always CLOSED for a provider without a breaker (the simulated market).' })
  state!: BreakerStateValue;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the state last changed; null if it has not since the gateway started, and always without a breaker.' })
  since!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Failure kind of the most recent failed call: UNAVAILABLE, BAD_RESPONSE, RATE_LIMITED, UNAUTHORIZED, or ERROR outside that list; null if none since start. Only UNAVAILABLE and BAD_RESPONSE count towards opening the breaker.',
  })
  lastErrorKind!: string | null;
}

@ObjectType('ProviderCallWindow', {
  description:
    'Calls to a provider over the last 5 minutes (to a 10-second step). A call is one attempt that reached the provider: retries count, calls refused by the open breaker do not. A NOT_FOUND answer counts as a success.',
})
export class ProviderCallWindowType {
  @Field(() => Float, { nullable: true, description: 'Share of the calls that got an answer, 0 to 1; null without calls.' })
  successRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median latency of the answered calls, in milliseconds (within about 5 %); null without answers.' })
  p50Ms!: number | null;

  @Field(() => Float, { nullable: true, description: '95th-percentile latency of the answered calls, in milliseconds (within about 5 %); null without answers.' })
  p95Ms!: number | null;

  @Field(() => Int, { description: 'Calls in the window.' })
  calls!: number;
}

@ObjectType('ProviderKeyStatus', { description: 'One API key of a provider, as its key pool reports it.' })
export class ProviderKeyStatusType {
  @Field(() => String, { description: 'The key masked: its last 4 characters at most.' })
  key!: string;

  @Field(() => String, { description: 'As the key pool reports it: ACTIVE (in use), RESTING (set aside for now) or RETIRED (out of use).' })
  state!: string;

  @Field(() => Int, { nullable: true, description: 'Calls left in the current minute; null when no per-minute quota is counted.' })
  remainingPerMinute!: number | null;

  @Field(() => Int, { nullable: true, description: 'Calls left in the current day; null when no daily quota is counted.' })
  remainingPerDay!: number | null;
}

@Directive(requiresRight('PROVIDER_STATUS'))
@ObjectType('ProviderStatus', { description: 'A market-data provider behind the gateway, what it can serve and how it fares.' })
export class ProviderStatusType {
  @Field(() => ID, { description: 'Provider id as used in the PROVIDERS setting (e.g. "simulated", "fmp").' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [Capability], { description: 'What this provider is asked for.' })
  capabilities!: string[];

  @Field(() => Boolean, { description: 'Whether the gateway routes requests to it.' })
  enabled!: boolean;

  @Field(() => BreakerStatusType)
  breaker!: BreakerStatusType;

  @Field(() => ProviderCallWindowType)
  window!: ProviderCallWindowType;

  @Field(() => SafeIntScalar, { description: 'Calls since the gateway started, counted as in `window`.' })
  calls!: number;

  @Field(() => SafeIntScalar, { description: 'Failed calls since the gateway started.' })
  errors!: number;

  @Field(() => [ProviderKeyStatusType], { description: 'The API keys in use, masked; empty for a provider without keys or without a key pool.' })
  keys!: ProviderKeyStatusType[];

  @Field(() => Int, {
    description:
      'Dead letters of this provider: failed background refreshes (of cached data past its freshness that no provider could answer) whose retries ran out, parked as failed for review and `replayDeadLetters`. ' +
      'With REDIS_URL, those parked by any instance (plus any this instance parked in memory while Redis was down).',
  })
  deadLetters!: number;
}
