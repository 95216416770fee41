import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { requiresRight } from '../rights/directive.js';
import { DateTimeScalar } from './scalars.js';
import { FallbackFromField, StaleField } from './provenance.js';

@Directive(requiresRight('COMPANY'))
@ObjectType('Company', { description: 'A listed company: its profile, and links to its quote and financial statements.' })
export class CompanyType {
  @Field(() => String)
  symbol!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Primary listing venue (e.g. NASDAQ, NYSE).' })
  exchange!: string | null;

  @Field(() => String, { nullable: true })
  sector!: string | null;

  @Field(() => String, { nullable: true })
  industry!: string | null;

  @Field(() => String, { nullable: true, description: 'Country of incorporation or headquarters.' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the listing.' })
  currency!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Float, { nullable: true, description: 'Market capitalisation in the listing currency.' })
  marketCap!: number | null;

  @Field(() => String, { description: 'Provider that produced this profile.' })
  source!: string;

  @Field(() => DateTimeScalar, { description: 'When the provider produced this profile.' })
  asOf!: Date;

  @StaleField()
  stale!: boolean;

  @FallbackFromField()
  fallbackFrom?: string[];
}
