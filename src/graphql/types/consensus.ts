import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { QualityGrade as QualityGradeValue } from '../../domain/index.js';
import { QualityGrade } from './quality.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType('SourceError', { description: 'Why a source did not answer: the same code and message a query would have got from it.' })
export class SourceErrorType {
  @Field(() => String, { description: 'The error code (PROVIDER_UNAVAILABLE, RATE_LIMITED, NOT_FOUND, …).' })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('ConsensusSource', { description: "One provider's answer to a consensus." })
export class ConsensusSourceType {
  @Field(() => String, { description: 'The provider (e.g. "fmp").' })
  source!: string;

  @Field(() => Float, { nullable: true, description: 'Its price; null when it did not answer.' })
  price!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The time of the trade its price reflects; null when it did not answer.' })
  timestamp!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Basis points from the median (100 = 1 %); null when it did not answer.' })
  deviationBps!: number | null;

  @Field(() => Boolean, { description: 'Whether it lies beyond the band (CONSENSUS_BAND_PERCENT) from the median.' })
  outlier!: boolean;

  @Field(() => QualityGrade, { nullable: true, description: "Its quote's own quality grade (see Quote.quality); null when it did not answer." })
  grade!: QualityGradeValue | null;

  @Field(() => SourceErrorType, { nullable: true, description: 'Why it did not answer; null when it did.' })
  error!: SourceErrorType | null;
}

@ObjectType('QuoteConsensus', {
  description:
    "Every enabled quote provider's price for one symbol, asked at once: the median, each source's deviation, the outliers and a grade. " +
    "Sources that fail are listed with their error and do not fail the answer. The simulated market takes part only when no real provider serves quotes: its prices are invented, not a second opinion.",
})
export class QuoteConsensusType {
  @Field(() => String)
  symbol!: string;

  @Field(() => Float, { description: 'The median price of the sources that answered.' })
  median!: number;

  @Field(() => Float, { description: 'The band around the median within which a source agrees, in basis points (CONSENSUS_BAND_PERCENT × 100).' })
  bandBps!: number;

  @Field(() => Int, { description: 'Sources that answered within the band.' })
  agreeing!: number;

  @Field(() => Int, { description: 'Sources that answered.' })
  answered!: number;

  @Field(() => [String], { description: 'The sources beyond the band.' })
  outliers!: readonly string[];

  @Field(() => [ConsensusSourceType], { description: 'Every source asked, in configured priority.' })
  sources!: readonly ConsensusSourceType[];

  @Field(() => Int, { description: "0–100: half the share of answering sources that agree, half the mean quote score of those that agree; at most 70 with a single source." })
  score!: number;

  @Field(() => QualityGrade)
  grade!: QualityGradeValue;

  @Field(() => [String], { description: 'Why the score is below 100.' })
  reasons!: readonly string[];
}
