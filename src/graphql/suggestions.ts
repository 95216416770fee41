import type { GraphQLFormattedError } from 'graphql';

/**
 * graphql-js ends many messages with names picked from the schema: `Cannot query field "pric" on
 * type "Quote". Did you mean "price"?`, `... Did you mean to use an inline fragment on "Company"?`,
 * `... Did you mean the enum value "DAY"?` (validation, and the coercion of variables). For a
 * consumer who may not introspect, that is the schema read out one guess at a time.
 *
 * graphql 16.15 can leave them out (`hideSuggestions` of validate and execute), but Apollo Server
 * passes that to neither, and its `hideSchemaDetailsFromClientErrors` is one switch for every
 * consumer that covers validation only. So the messages are rewritten once formatted: the same
 * function for HTTP and graphql-ws, whatever part of graphql-js wrote them. A suggestion is always
 * the end of its sentence and holds only quoted names, which never contain "?".
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** The error with every "Did you mean …?" taken out of its message. */
export function withoutSuggestions(error: GraphQLFormattedError): GraphQLFormattedError {
  const message = error.message.replace(SUGGESTION, '');
  return message === error.message ? error : { ...error, message };
}
