import { Field, Float, ObjectType } from 'type-graphql';
import { DateScalar, SafeIntScalar } from './scalars.js';

@ObjectType('Bar', { description: 'One OHLCV bar of a price history.' })
export class BarType {
  @Field(() => DateScalar, { description: 'Session date (first session of the week or month for longer bars).' })
  date!: string;

  @Field(() => Float)
  open!: number;

  @Field(() => Float)
  high!: number;

  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  close!: number;

  @Field(() => SafeIntScalar, { description: 'Shares traded over the bar.' })
  volume!: number;
}
