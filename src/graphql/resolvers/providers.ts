import { Ctx, Directive, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { QualityGradeSchema, type QualityGrade } from '../../domain/index.js';
import type { ProviderStatus } from '../../market/routing/registry.js';
import type { GraphQLContext } from '../context.js';
import { requiresRight } from '../rights/directive.js';
import { ProviderStatusType } from '../types/provider.js';
import { GradeCountType } from '../types/quality.js';

@Resolver(() => ProviderStatusType)
export class ProvidersResolver {
  @Directive(requiresRight('PROVIDER_STATUS'))
  @Query(() => [ProviderStatusType], { nullable: true, description: 'The data providers behind the gateway, in routing priority, with their health.' })
  providers(@Ctx() { providers }: GraphQLContext): Promise<ProviderStatus[]> {
    return providers.status();
  }

  @FieldResolver(() => [GradeCountType], {
    description:
      'How the quotes this provider answered since this instance started were graded as they arrived (see Quote.quality), A to F, every grade listed. Also on /metrics as data_quality_grade_total.',
  })
  grades(@Root() status: ProviderStatus, @Ctx() { grader }: GraphQLContext): Array<{ grade: QualityGrade; count: number }> {
    const counts = grader.distribution(status.id);
    return QualityGradeSchema.options.map((grade) => ({ grade, count: counts[grade] }));
  }
}
