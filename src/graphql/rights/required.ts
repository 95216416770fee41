import { getDirective, type DirectableGraphQLObject } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { Right as RightSchema, type Consumer, type Right } from '../../domain/index.js';
import { REQUIRES_RIGHT } from './directive.js';

// What a field requires and what a refusal says: read by the field-level enforcement (enforce.ts),
// the whole-operation check (request-mode.ts) and the selection walk (operation.ts), and depending
// on none of them, so the three never import each other in a circle.

/** A field a consumer was refused. */
export interface Denial {
  readonly consumer: Consumer;
  readonly right: Right;
  /** `Type.field`, e.g. `Company.financials`. */
  readonly field: string;
  /** Response path, e.g. `quotes.0.company.financials`. */
  readonly path: string;
}

/** The rights a field needs: its own `@requiresRight`, and its object type's. */
export function requiredRights(schema: GraphQLSchema, typeName: string, field: DirectableGraphQLObject): Right[] {
  const type = schema.getType(typeName);
  const uses = [...(type ? (getDirective(schema, type, REQUIRES_RIGHT) ?? []) : []), ...(getDirective(schema, field, REQUIRES_RIGHT) ?? [])];
  return [...new Set(uses.map((use) => RightSchema.parse(use['right'])))];
}
