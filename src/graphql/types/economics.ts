import { ArgsType, Field, Float, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from './scalars.js';
import { FallbackFromField, StaleField } from './provenance.js';

@ObjectType('EconomicObservation', { description: 'One dated value of an economic series.' })
export class EconomicObservationType {
  @Field(() => DateScalar, { description: 'Start of the period the value covers (e.g. 2024-04-01 for the second quarter of 2024).' })
  date!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'The value, in the series `units`; null where the source publishes no value for the period (a gap, never a zero).',
  })
  value!: number | null;
}

@ObjectType('EconomicSeries', {
  description: 'A macroeconomic time series (GDP, CPI, unemployment, Treasury yields, …), with where it came from and how fresh it is.',
})
export class EconomicSeriesType {
  @Field(() => String, { description: 'Series id at the source, upper case (e.g. GDP, CPIAUCSL, DGS10).' })
  id!: string;

  @Field(() => String, { description: 'Human-readable title, e.g. "Gross Domestic Product".' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'What the values measure, e.g. "Billions of Dollars" or "Percent".' })
  units!: string | null;

  @Field(() => String, { nullable: true, description: 'How often the series has a value, e.g. "Quarterly", "Monthly", "Daily".' })
  frequency!: string | null;

  @Field(() => [EconomicObservationType], { description: 'Observations in the asked window, oldest first.' })
  observations!: EconomicObservationType[];

  @Field(() => String, { description: 'Provider that produced this series (e.g. "fred").' })
  source!: string;

  @Field(() => DateTimeScalar, { description: 'When the provider last revised the series, or when it was fetched if the provider does not say.' })
  asOf!: Date;

  @StaleField()
  stale!: boolean;

  @FallbackFromField()
  fallbackFrom?: string[];
}

/** Arguments as a class so the schema lists them in reading order (see ./args.ts). */
@ArgsType()
export class EconomicSeriesArgs {
  @Field(() => String, { description: 'Series id, case-insensitive: 1–40 letters, digits, "_" or "." (e.g. GDP, CPIAUCSL, DGS10).' })
  id!: string;

  @Field(() => DateScalar, { nullable: true, description: 'First observation date, inclusive. Default: the start of the series.' })
  from!: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last observation date, inclusive. Default: the latest observation.' })
  to!: Date | null;
}
