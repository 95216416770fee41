import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import type { ProviderStatus } from '../../market/routing/registry.js';
import type { GraphQLContext } from '../context.js';
import { requiresRight } from '../rights/directive.js';
import { ProviderStatusType } from '../types/provider.js';

@Resolver()
export class ProvidersResolver {
  @Directive(requiresRight('PROVIDER_STATUS'))
  @Query(() => [ProviderStatusType], { nullable: true, description: 'The data providers behind the gateway, in routing priority, with their health.' })
  providers(@Ctx() { providers }: GraphQLContext): Promise<ProviderStatus[]> {
    return providers.status();
  }
}
