import { GraphQLError } from 'graphql';
import { ErrorCode, MarketError, toClientError } from '../domain/index.js';

/** The GraphQL form of a client-visible error: its code and public details in `extensions`. */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const clientError = toClientError(error);
  return new GraphQLError(clientError.message, {
    extensions: { ...clientError.details, code: clientError.code },
    originalError: error instanceof Error ? error : undefined,
  });
}

export function badInput(message: string, details: MarketError['details'] = {}): GraphQLError {
  return toGraphQLError(new MarketError(ErrorCode.BAD_USER_INPUT, message, details));
}

/**
 * Resolvers call through here so a failure below becomes a coded GraphQL error instead of an
 * INTERNAL_SERVER_ERROR with the real message hidden.
 */
export async function guard<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGraphQLError(error);
  }
}
