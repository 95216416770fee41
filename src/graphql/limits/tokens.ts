import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../domain/index.js';

/**
 * graphql-js stops parsing past `maxTokens` (Apollo passes `parseOptions`), with this message; we
 * recognise it to answer with our code rather than a bare parse failure.
 */
export function isTokenLimitError(error: Error | undefined, maxTokens: number): boolean {
  // graphql 16 says "more that N tokens" (sic), so only the number and the end are matched.
  return error !== undefined && error.message.includes(` ${maxTokens} tokens. Parsing aborted.`);
}

/** The client's view of a document with too many tokens. */
export function tokenLimitError(maxTokens: number): GraphQLFormattedError {
  return {
    message: `The document has more than ${maxTokens} tokens; the limit is ${maxTokens} (maxTokens).`,
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxTokens', max: maxTokens },
  };
}
