import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ErrorCode, MarketError, ProviderError, toClientError } from '../domain/index.js';

/**
 * The last word on what a client sees of an error. Our own errors keep their code and public
 * details; anything unexpected is reported as a bland INTERNAL_SERVER_ERROR, and `onInternal`
 * gets the real error for the log. Never a stack, an upstream body or a URL.
 */
export function createErrorFormatter(onInternal: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    if (original instanceof MarketError || original instanceof ProviderError) {
      const clientError = toClientError(original);
      return withExtensions(formatted, clientError.message, { ...clientError.details, code: clientError.code });
    }
    const code = formatted.extensions?.['code'];
    // Apollo labels a codeless error INTERNAL_SERVER_ERROR before it gets here.
    if ((code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) && APOLLO_REQUEST_ERRORS.has(formatted.message)) {
      return withExtensions(formatted, formatted.message, { code: 'BAD_REQUEST' });
    }
    if (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) {
      onInternal(original ?? error);
      return withExtensions(formatted, 'Internal error.', { code: ErrorCode.INTERNAL_SERVER_ERROR });
    }
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}

/**
 * Apollo's refusals of a bad persisted-query request (HTTP 400) carry no code of their own: they
 * are the client's mistake, so they keep their words and get Apollo's code for a bad request.
 */
const APOLLO_REQUEST_ERRORS = new Set(['provided sha does not match query', 'Unsupported persisted query version']);

function withExtensions(formatted: GraphQLFormattedError, message: string, extensions: Record<string, unknown>): GraphQLFormattedError {
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}

/** The error a resolver threw, beneath graphql-js's and our own GraphQLError wrappers. */
function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError && current.originalError !== current) {
    current = current.originalError;
  }
  return current;
}
