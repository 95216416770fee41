import { Field, ObjectType } from 'type-graphql';
import { SecurityType } from './enums.js';

@ObjectType('SymbolMatch', { description: 'One result of a symbol search, best match first.' })
export class SymbolMatchType {
  @Field(() => String)
  symbol!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  exchange!: string | null;

  @Field(() => SecurityType)
  type!: keyof typeof SecurityType;

  @Field(() => String, { description: 'Provider that produced this match.' })
  source!: string;
}
