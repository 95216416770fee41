import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getOperationAST } from 'graphql';
import type { Consumer } from '../domain/index.js';
import type { GraphQLContext } from '../graphql/context.js';
import { wholeRequestRefusal, type Refusal } from './refusals.js';

/** Told of each request refused whole by a limit or budget, with who asked and which operation. */
export type RefusalListener = (consumer: Consumer, refusal: Refusal, operationName: string | undefined) => void;

/**
 * Reports an HTTP operation that was refused whole (an abuse limit, the cost budget, a spent
 * per-minute budget, introspection), read from the formatted errors about to be sent, so every
 * refusal is seen whichever stage raised it (parse, validation, the limits gate). Run for each
 * response by request-hooks.ts.
 */
export function reportRefusal(onRefused: RefusalListener, { contextValue, request, response, operationName, document }: GraphQLRequestContextWillSendResponse<GraphQLContext>): void {
  if (response.body.kind !== 'single') return;
  const refusal = wholeRequestRefusal(response.body.singleResult.errors);
  if (!refusal) return;
  // Apollo resolves the operation only once the document is valid; a document refused by
  // validation is parsed, so its operation is still known by name.
  const named = operationName ?? (document ? getOperationAST(document, request.operationName)?.name?.value : undefined);
  onRefused(contextValue.consumer, refusal, named ?? request.operationName ?? undefined);
}
