import { Ctx, Extensions, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { CompanyType } from '../types/company.js';
import { EconomicSeriesType } from '../types/economics.js';
import { AGE_DESCRIPTION, ANSWER_TIME, ageSeconds } from '../types/provenance.js';
import { QuoteType } from '../types/quote.js';
import { FinancialStatementType } from '../types/statements.js';

// `age` on every market object that carries `asOf`. A field resolver rather than a stored field:
// the value depends on the moment of answering (the context's clock, which SIMULATED_NOW sets),
// not on the cached data, so one cached object answers every request with its own age.

interface Stamped {
  readonly asOf: Date;
}

/** The `age` resolver of one type; one class per type, since a type-graphql resolver serves one. */
function ageResolverOf(type: abstract new () => Stamped) {
  @Resolver(() => type)
  class AgeResolver {
    @Extensions(ANSWER_TIME)
    @FieldResolver(() => Float, { description: AGE_DESCRIPTION })
    age(@Root() value: Stamped, @Ctx() { now }: GraphQLContext): number {
      return ageSeconds(value.asOf, now());
    }
  }
  return AgeResolver;
}

export const QuoteAgeResolver = ageResolverOf(QuoteType);
export const CompanyAgeResolver = ageResolverOf(CompanyType);
export const StatementAgeResolver = ageResolverOf(FinancialStatementType);
export const EconomicSeriesAgeResolver = ageResolverOf(EconomicSeriesType);

/** Every resolver of this file, for the schema's resolver list. */
export const PROVENANCE_RESOLVERS = [QuoteAgeResolver, CompanyAgeResolver, StatementAgeResolver, EconomicSeriesAgeResolver] as const;
