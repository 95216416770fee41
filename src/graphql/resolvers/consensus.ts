import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Directive, Extensions, Info, Query, Resolver } from 'type-graphql';
import type { Consensus } from '../../domain/index.js';
import { callerOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { guard } from '../errors.js';
import { PROVIDER_FAN_OUT } from '../limits/fan-out.js';
import { requiresRight } from '../rights/directive.js';
import { QuoteConsensusType } from '../types/consensus.js';

@Resolver()
export class ConsensusResolver {
  @Directive(requiresRight('QUOTES_CONSENSUS'))
  // One provider call per quote provider: priced so in the cost limit (graphql/limits/cost.ts).
  @Extensions(PROVIDER_FAN_OUT)
  @Query(() => QuoteConsensusType, {
    nullable: true,
    description:
      "A fresh quote of `symbol` from every enabled quote provider at once, never from the cache, compared: the median, each source's deviation and grade, outliers beyond CONSENSUS_BAND_PERCENT, how many agree. " +
      "Costs one provider call per provider, each charged to the caller's budget, and is priced as that many quotes in the cost limit. Sources that fail are listed with their error; when none answers, the error of the answer is theirs.",
  })
  quoteConsensus(@Arg('symbol', () => String) symbol: string, @Ctx() context: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<Consensus> {
    return guard(() => context.consensus.of(symbol, callerOf(context, info)));
  }
}
