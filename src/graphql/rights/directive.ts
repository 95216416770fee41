import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLSchema } from 'graphql';
import { registerEnumType } from 'type-graphql';
import { Right as RightSchema, type Right } from '../../domain/index.js';

/** The GraphQL `Right` enum is the domain's zod enum, so the two cannot drift apart. */
export const RightEnum = RightSchema.enum;

registerEnumType(RightEnum, {
  name: 'Right',
  description: 'What a consumer may read or do; profiles grant sets of rights, fields declare the one they need with @requiresRight.',
  valuesConfig: {
    QUOTES_DELAYED: { description: 'Quotes at least 15 minutes old.' },
    QUOTES_REALTIME: { description: 'Quotes as fresh as the provider has them.' },
    QUOTES_CONSENSUS: { description: 'Cross-source consensus (quoteConsensus): a fresh call to every quote provider per request.' },
    HISTORY: { description: 'Price history (bars).' },
    COMPANY: { description: 'Company profiles.' },
    FUNDAMENTALS: { description: 'Financial statements.' },
    SEARCH: { description: 'Symbol search.' },
    ECONOMICS: { description: 'Economic series.' },
    STREAMING: { description: 'Live quote subscriptions.' },
    PROVIDER_STATUS: { description: 'Health of the data providers.' },
    ADMIN: { description: 'Operator actions and the audit log.' },
  },
});

export const REQUIRES_RIGHT = 'requiresRight';

/**
 * The SDL of one use of the directive, for type-graphql's `@Directive(...)` on a field, resolver
 * method or object type: `@Directive(requiresRight('HISTORY'))`.
 */
export function requiresRight(right: Right): string {
  return `@${REQUIRES_RIGHT}(right: ${right})`;
}

/**
 * The schema with the `@requiresRight` definition added. type-graphql attaches the uses to the
 * fields' AST nodes but does not declare custom directives itself; the definition takes the
 * schema's own `Right` enum as its argument type, so there is one `Right` in the schema.
 */
export function withRightsDirective(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective(REQUIRES_RIGHT)) return schema;
  const rightType = schema.getType('Right');
  if (!(rightType instanceof GraphQLEnumType)) throw new Error('the schema has no Right enum for @requiresRight');
  const directive = new GraphQLDirective({
    name: REQUIRES_RIGHT,
    description:
      'A right a consumer needs for this field (on an object type: for every field of it); a field naming several needs each. Without it the field is null with a FORBIDDEN error ' +
      '(`extensions.right` names the right) and its resolver, hence any provider call, never runs.',
    locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT],
    // A field may need two rights (Subscription.realtimeQuotes: STREAMING and QUOTES_REALTIME); it needs every one it names.
    isRepeatable: true,
    args: { right: { type: new GraphQLNonNull(rightType) } },
  });
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...config.directives, directive] });
}
