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
    if (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) {
      onInternal(original ?? error);
      return withExtensions(formatted, 'Internal error.', { code: ErrorCode.INTERNAL_SERVER_ERROR });
    }
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}

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
