import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  QualityDimensionSchema,
  QualityGradeSchema,
  type MarketSession as MarketSessionValue,
  type QualityDimension as QualityDimensionValue,
  type QualityGrade as QualityGradeValue,
} from '../../domain/index.js';
import { MarketSession } from './market-status.js';

/** The GraphQL enums are the domain's zod enums (dimensions upper-cased), so they cannot drift apart. */
export const QualityGrade = QualityGradeSchema.enum;
registerEnumType(QualityGrade, {
  name: 'QualityGrade',
  description: 'How far a number can be trusted, from its quality score: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below (the floors are QUALITY_GRADE_FLOORS).',
});

export const QualityDimension = {
  TIMELINESS: QualityDimensionSchema.enum.timeliness,
  COMPLETENESS: QualityDimensionSchema.enum.completeness,
  CONSISTENCY: QualityDimensionSchema.enum.consistency,
  AGREEMENT: QualityDimensionSchema.enum.agreement,
  RELIABILITY: QualityDimensionSchema.enum.reliability,
} as const satisfies Record<Uppercase<QualityDimensionValue>, QualityDimensionValue>;
registerEnumType(QualityDimension, {
  name: 'QualityDimension',
  description: 'What a quality score weighs.',
  valuesConfig: {
    TIMELINESS: {
      description:
        'How far the price is behind the market, judged against the session: while the regular session runs, behind now; outside it, behind the latest close (a Friday close read on Sunday is on time). The delay a consumer without QUOTES_REALTIME gets on purpose is not counted.',
    },
    COMPLETENESS: { description: 'Whether open, high, low, previous close and volume are there.' },
    CONSISTENCY: {
      description:
        "Whether the numbers agree with each other: low ≤ price ≤ high, change = price − previous close (and changePercent with it), and no move beyond QUALITY_JUMP_SIGMAS standard deviations of the symbol's recent daily returns (known once a daily history of it was read).",
    },
    AGREEMENT: { description: "Deviation from other providers' recent prices for the symbol; not judged when none is known. The simulated market is never compared with a real provider." },
    RELIABILITY: { description: "The provider's health: its circuit breaker and the share of its calls answered in the last 5 minutes." },
  },
});

@ObjectType('QualityDimensionScore', { description: 'One dimension of a quality score.' })
export class QualityDimensionScoreType {
  @Field(() => QualityDimension)
  name!: QualityDimensionValue;

  @Field(() => Int, { nullable: true, description: '0–100; null when there was nothing to judge it by (then it carries no weight).' })
  score!: number | null;

  @Field(() => Float, { description: 'Its weight in the score (QUALITY_WEIGHTS), before rescaling over the judged dimensions.' })
  weight!: number;

  @Field(() => [String], { description: 'Why it is below 100, or why it could not be judged; empty at 100.' })
  reasons!: readonly string[];
}

@ObjectType('Quality', { description: 'How far a quote can be trusted, graded by the gateway from what it already knows: grading never calls a provider.' })
export class QualityType {
  @Field(() => QualityGrade)
  grade!: QualityGradeValue;

  @Field(() => Int, { description: 'The weighted mean of the judged dimensions, 0–100.' })
  score!: number;

  @Field(() => MarketSession, { description: 'The US equity session at the moment of grading, which timeliness was judged against.' })
  session!: MarketSessionValue;

  @Field(() => [QualityDimensionScoreType])
  dimensions!: readonly QualityDimensionScoreType[];
}

@ObjectType('GradeCount', { description: 'How many quotes got one grade.' })
export class GradeCountType {
  @Field(() => QualityGrade)
  grade!: QualityGradeValue;

  @Field(() => Int)
  count!: number;
}
