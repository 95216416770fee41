import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { Right as RightValue } from '../../domain/index.js';
import type { AuditKind as AuditKindValue } from '../../observability/audit.js';
import { RightEnum } from '../rights/directive.js';
import { DateTimeScalar } from './scalars.js';

export const AuditKind = { DENIED: 'DENIED', ADMIN_ACTION: 'ADMIN_ACTION', PROVIDER_CALL: 'PROVIDER_CALL', REFUSED: 'REFUSED' } as const satisfies Record<AuditKindValue, AuditKindValue>;

registerEnumType(AuditKind, {
  name: 'AuditKind',
  description: 'What an audit entry records.',
  valuesConfig: {
    DENIED: { description: 'A field refused for want of a right.' },
    ADMIN_ACTION: { description: 'An operator action (a mutation) that was allowed.' },
    PROVIDER_CALL: { description: 'A call to a data provider made for a consumer.' },
    REFUSED: { description: 'A whole request refused before it ran: an abuse limit or a spent budget (`limit` says which).' },
  },
});

@ObjectType('AuditEntry', { description: 'One entry of the audit trail: who, what, where, allowed or not, and when.' })
export class AuditEntryType {
  @Field(() => DateTimeScalar)
  time!: Date;

  @Field(() => AuditKind)
  kind!: AuditKindValue;

  @Field(() => String, { description: 'Consumer id (`anonymous` for callers without credentials).' })
  consumer!: string;

  @Field(() => String, { description: 'The rights profile of the consumer.' })
  profile!: string;

  @Field(() => Boolean, { description: 'False for denials.' })
  allowed!: boolean;

  @Field(() => String, { description: 'Response path of the field, e.g. `quotes.0.company.financials`; for a refused request, its operation name (empty when it has none).' })
  path!: string;

  @Field(() => RightEnum, { nullable: true, description: 'The right checked (denials and admin actions).' })
  right?: RightValue;

  @Field(() => String, { nullable: true, description: 'The provider called (provider calls).' })
  provider?: string;

  @Field(() => String, { nullable: true, description: 'The capability called: quote, profile, history, statements, search, economicSeries.' })
  capability?: string;

  @Field(() => String, { nullable: true, description: 'How the provider call ended: `ok` or its failure kind.' })
  outcome?: string;

  @Field(() => String, {
    nullable: true,
    description: 'What refused the request (refusals): a limit such as `maxDepth`, `costBudget`, `maxSymbolsPerList`, `maxBodyBytes`, `introspection`, or a spent budget, `requests` or `providerCalls`.',
  })
  limit?: string;
}
