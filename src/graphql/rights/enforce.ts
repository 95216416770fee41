import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLFieldConfig,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode, type Consumer, type Right } from '../../domain/index.js';
import { pathOf } from '../caller.js';
import type { GraphQLContext } from '../context.js';
import { operationRefusal } from './request-mode.js';
import { requiredRights, type Denial } from './required.js';

/** An allowed use of a field on the Mutation type: an operator action, for the audit trail. */
export interface AdminAction {
  readonly consumer: Consumer;
  readonly right: Right;
  readonly field: string;
  readonly path: string;
}

export interface RightsEnforcement {
  /**
   * `field` (default): a denied field is null with FORBIDDEN. `request`: the server refuses the
   * whole operation first (request-mode.ts); here, a subscription selecting any denied field is
   * refused on subscribe, since graphql-ws runs no Apollo plugins.
   */
  readonly denial?: 'field' | 'request';
  readonly onDenied?: (denial: Denial) => void;
  readonly onAdminAction?: (action: AdminAction) => void;
}

/** The error a client sees for a denied field: at the field's path, naming the missing right. */
export function forbidden(consumer: Consumer, right: Right, field: string): GraphQLError {
  const who = consumer.anonymous ? 'Callers without credentials' : `Profile "${consumer.profile}"`;
  return new GraphQLError(`${who} lack the ${right} right that ${field} requires.`, {
    extensions: { code: ErrorCode.FORBIDDEN, right, profile: consumer.profile },
  });
}

/**
 * Wraps the resolver (and subscribe function) of every field that carries `@requiresRight`, or
 * whose type does, so the right is checked before anything runs: a denied field resolves to an
 * error (null at its path, siblings unaffected) and its resolver, loader and provider are never
 * reached. An allowed field runs as it is; the provider calls it causes are its caller's, which
 * the resolver hands to the market itself (graphql/caller.ts). Fields without the directive are
 * left untouched: no cost on them.
 */
export function enforceRights(schema: GraphQLSchema, options: RightsEnforcement = {}): GraphQLSchema {
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      const rights = requiredRights(schema, typeName, fieldConfig);
      if (rights.length === 0) return fieldConfig;
      const field = `${typeName}.${fieldName}`;
      const isAdminAction = typeName === mutationType;

      /** Throws FORBIDDEN for the first missing right; reports an admin action. Allocates nothing when allowed. */
      const check = (consumer: Consumer, info: GraphQLResolveInfo): void => {
        for (const right of rights) {
          if (consumer.rights.has(right)) continue;
          options.onDenied?.({ consumer, right, field, path: pathOf(info) });
          throw forbidden(consumer, right, field);
        }
        if (isAdminAction) options.onAdminAction?.({ consumer, right: rights[0]!, field, path: pathOf(info) });
      };
      const guarded: GraphQLFieldConfig<unknown, GraphQLContext> = { ...fieldConfig };
      const resolve = fieldConfig.resolve ?? defaultFieldResolver;
      guarded.resolve = (source, args, context, info) => {
        check(context.consumer, info);
        return resolve(source, args, context, info);
      };
      const subscribe = fieldConfig.subscribe;
      if (subscribe && options.denial === 'request') {
        guarded.subscribe = (source, args, context, info) => {
          const consumer = (context as GraphQLContext).consumer;
          const refusal = operationRefusal({ schema: info.schema, operation: info.operation, fragments: info.fragments, variables: info.variableValues }, consumer, options.onDenied);
          if (refusal) throw refusal;
          check((context as GraphQLContext).consumer, info);
          return subscribe(source, args, context, info);
        };
      } else if (subscribe) {
        // The check runs on subscribe, so a denied subscription starts no feed.
        guarded.subscribe = (source, args, context, info) => {
          check((context as GraphQLContext).consumer, info);
          return subscribe(source, args, context, info);
        };
      }
      return guarded;
    },
  });
}
