import { GraphQLError, type ASTNode } from 'graphql';
import { ErrorCode, MarketError } from '../../domain/index.js';

/** Which limit a document broke; named in `extensions.limit` so a client can tell them apart. */
export type LimitName = 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxSymbolsPerList' | 'costBudget' | 'maxQueryNodes';

/**
 * A document refused before execution: QUERY_TOO_COMPLEX (or BAD_USER_INPUT for an over-long
 * `symbols:` list) with the limit, its maximum and what the document asked, and HTTP 400. The
 * MarketError underneath keeps the code when Apollo wraps the error as a validation failure: the
 * error formatter looks beneath the wrappers.
 */
export function limitError(
  code: typeof ErrorCode.QUERY_TOO_COMPLEX | typeof ErrorCode.BAD_USER_INPUT,
  message: string,
  details: { readonly limit: LimitName; readonly max: number; readonly actual?: number },
  nodes?: ASTNode | readonly ASTNode[],
): GraphQLError {
  const { actual, ...rest } = details;
  const publicDetails = actual === undefined ? rest : { ...rest, actual };
  return new GraphQLError(message, {
    ...(nodes ? { nodes } : {}),
    originalError: new MarketError(code, message, publicDetails),
    extensions: { code, ...publicDetails, http: { status: 400 } },
  });
}
