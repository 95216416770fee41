import { Field, ID, ObjectType } from 'type-graphql';
import { Capability } from './enums.js';

@ObjectType('ProviderStatus', { description: 'A market-data provider behind the gateway and what it can serve.' })
export class ProviderStatusType {
  @Field(() => ID, { description: 'Provider id as used in the PROVIDERS setting (e.g. "simulated", "fmp").' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [Capability], { description: 'What this provider is asked for.' })
  capabilities!: string[];

  @Field(() => Boolean, { description: 'Whether the gateway routes requests to it.' })
  enabled!: boolean;
}
