import { Arg, Ctx, Directive, Int, Mutation, Resolver } from 'type-graphql';
import type { ProviderId as ProviderIdValue } from '../../domain/index.js';
import type { ProviderStatus } from '../../market/routing/registry.js';
import type { GraphQLContext } from '../context.js';
import { guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { ProviderId } from '../types/enums.js';
import { ProviderStatusType } from '../types/provider.js';

/** Operator actions on the gateway's providers. */
@Resolver()
export class AdminResolver {
  @Directive(requiresRight('ADMIN'))
  @Mutation(() => ProviderStatusType, {
    nullable: true,
    description:
      'Closes the circuit breaker of an enabled provider by hand (an operator who knows it is back) and answers its status. ' +
      'A provider without a breaker (SIMULATED) answers its status unchanged; a provider this gateway does not run is BAD_USER_INPUT. ' +
      'The breaker keeps its failure count, so a provider still failing reopens it at its next counted failure. ' +
      'Requires the ADMIN right; every reset is logged and recorded in the audit trail.',
  })
  resetCircuitBreaker(@Arg('provider', () => ProviderId) provider: ProviderIdValue, @Ctx() { providers }: GraphQLContext): Promise<ProviderStatus> {
    return guard(() => providers.resetBreaker(provider));
  }

  @Directive(requiresRight('ADMIN'))
  @Mutation(() => Int, {
    nullable: true,
    description:
      'Replays the dead letters parked as failed for an enabled provider (every enabled provider when `provider` is omitted) and answers how many were replayed. ' +
      'A dead letter is failed background work: the refresh of cached data past its freshness that no provider could answer, retried after 1 s, 2 s and 4 s (DLQ_RETRY_DELAYS_MS) and then parked. ' +
      'Each replayed job runs at once; one that fails again goes through the same retries and is parked again. With REDIS_URL the parked jobs are shared, so any instance may replay them. ' +
      'A provider this gateway does not run is BAD_USER_INPUT. Requires the ADMIN right; every replay is recorded in the audit trail.',
  })
  replayDeadLetters(
    @Arg('provider', () => ProviderId, { nullable: true }) provider: ProviderIdValue | null | undefined,
    @Ctx() { market }: GraphQLContext,
  ): Promise<number> {
    return guard(() => market.replayDeadLetters(provider ?? undefined));
  }
}
