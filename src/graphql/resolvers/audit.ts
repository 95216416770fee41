import { Args, ArgsType, Ctx, Directive, Field, Int, Query, Resolver } from 'type-graphql';
import { ErrorCode, MarketError } from '../../domain/index.js';
import type { AuditEntry } from '../../observability/audit.js';
import type { GraphQLContext } from '../context.js';
import { badInput, guard } from '../errors.js';
import { requiresRight } from '../rights/directive.js';
import { AuditEntryType } from '../types/audit.js';

export const MAX_AUDIT_ENTRIES = 1_000;

@ArgsType()
class AuditLogArgs {
  @Field(() => Int, { nullable: true, defaultValue: 100, description: `Most entries to answer, newest first (1 to ${MAX_AUDIT_ENTRIES}).` })
  limit?: number | null;

  @Field(() => String, { nullable: true, description: 'Only the entries of this consumer id.' })
  consumer?: string | null;
}

@Resolver()
export class AuditResolver {
  @Directive(requiresRight('ADMIN'))
  @Query(() => [AuditEntryType], {
    nullable: true,
    description:
      'The audit trail, newest first: denials, refused requests, admin actions and provider calls made for consumers. Shared by every instance through a capped Redis stream when REDIS_URL is set; otherwise this instance’s recent entries.',
  })
  auditLog(@Args(() => AuditLogArgs) { limit, consumer }: AuditLogArgs, @Ctx() { audit }: GraphQLContext): Promise<AuditEntry[]> {
    const count = limit ?? 100;
    if (count < 1 || count > MAX_AUDIT_ENTRIES) throw badInput(`limit must be between 1 and ${MAX_AUDIT_ENTRIES}; got ${count}.`, { min: 1, max: MAX_AUDIT_ENTRIES });
    return guard(() => {
      if (!audit) throw new MarketError(ErrorCode.INTERNAL_SERVER_ERROR, 'This gateway keeps no audit trail.');
      return audit.read({ limit: count, ...(consumer ? { consumer } : {}) });
    });
  }
}
