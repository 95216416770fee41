import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { Caller, Consumer } from '../domain/index.js';
import type { GraphQLContext } from './context.js';

/** A field's path in the response, e.g. `quotes.3.company.financials`. */
export function pathOf(info: GraphQLResolveInfo): string {
  return responsePathAsArray(info.path).join('.');
}

/** The caller of one field: its path is worked out only if a provider call is reported under it. */
class FieldCaller implements Caller {
  constructor(
    readonly consumer: Consumer,
    private readonly info: GraphQLResolveInfo,
  ) {}

  get path(): string {
    return pathOf(this.info);
  }
}

/** Who a resolver reads for: the request's consumer, at the field's path. Handed to the market with each read. */
export function callerOf({ consumer }: Pick<GraphQLContext, 'consumer'>, info: GraphQLResolveInfo): Caller {
  return new FieldCaller(consumer, info);
}
