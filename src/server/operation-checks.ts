import { GraphQLError, getOperationAST, type DocumentNode, getVariableValues, parse, specifiedRules, validate, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Consumer } from '../domain/index.js';
import { subscriptionRootDirectiveError } from '../graphql/limits/subscription-root.js';
import { isTokenLimitError, tokenLimitError } from '../graphql/limits/tokens.js';
import type { OperationGate } from './limits-plugin.js';

/** What a streaming transport (graphql-ws, SSE) is asked to run: graphql-ws's `SubscribePayload`, graphql-sse's `RequestParams`. */
export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
}

export interface OperationCheckOptions {
  readonly schema: GraphQLSchema;
  /** Extra validation rules on top of the spec's (depth, aliases). */
  readonly validationRules: readonly ValidationRule[];
  /** The same limits and throttling as HTTP operations (limits-plugin.ts). */
  readonly gate?: OperationGate | undefined;
  /** Parsing stops past this many tokens (LIMIT_MAX_TOKENS). */
  readonly maxTokens?: number | undefined;
}

/** The GraphQL errors that refuse an operation, or what to execute. */
export type OperationPreparer = (consumer: Consumer | undefined, request: OperationRequest) => Promise<GraphQLError[] | ExecutionArgs>;

/**
 * An operation that does not go through Apollo (graphql-ws and SSE subscriptions) checked as an
 * HTTP operation would be: parse, validate, the limits and budgets of the gate. One function for
 * both transports, so neither can drift from the other.
 *
 * A refusal of the gate keeps its `extensions.http` (status, Retry-After): SSE answers with it,
 * graphql-ws strips it (a WebSocket client has no use for it).
 */
export function operationPreparer(options: OperationCheckOptions): OperationPreparer {
  const rules = [...specifiedRules, ...options.validationRules];
  const documents = new ValidDocuments();
  /** The document of `query` if it parses and validates, else the errors, coded as Apollo Server codes them. */
  const checked = (query: string): GraphQLError[] | DocumentNode => {
    // The same codes Apollo Server gives these mistakes over HTTP; uncoded, the formatter
    // would report them as INTERNAL_SERVER_ERROR and log them as bugs.
    let document;
    try {
      document = parse(query, options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens });
    } catch (error) {
      if (options.maxTokens !== undefined && error instanceof Error && isTokenLimitError(error, options.maxTokens)) {
        const refusal = tokenLimitError(options.maxTokens);
        return [new GraphQLError(refusal.message, { extensions: refusal.extensions })];
      }
      return [withCode(error instanceof GraphQLError ? error : new GraphQLError('Query could not be parsed.'), 'GRAPHQL_PARSE_FAILED')];
    }
    // Before `validate`, which graphql-js 16 makes throw on this case (see subscription-root.ts).
    const rootDirectives = subscriptionRootDirectiveError(document);
    if (rootDirectives) return [withCode(new GraphQLError(rootDirectives), 'GRAPHQL_VALIDATION_FAILED')];
    const errors = validate(options.schema, document, rules);
    if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    documents.set(query, document);
    return document;
  };
  return async (consumer, request) => {
    const document = documents.get(request.query) ?? checked(request.query);
    if (Array.isArray(document)) return document;
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return [withCode(new GraphQLError('Could not tell which operation to run: name one with operationName.'), 'OPERATION_RESOLUTION_FAILURE')];
    const variables = getVariableValues(options.schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
    if (variables.errors) return variables.errors.map((error) => withCode(error, 'BAD_USER_INPUT'));
    if (options.gate && consumer) {
      try {
        await options.gate(consumer, document, operation, request.variables ?? {});
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return [error];
      }
    }
    return {
      schema: options.schema,
      document,
      operationName: request.operationName ?? null,
      variableValues: request.variables ?? null,
    };
  };
}

/**
 * Documents that parsed and passed validation, by query text (parse and validation depend on the
 * text, the schema and the rules only, all fixed per preparer), as Apollo's document store does
 * over HTTP. A running subscription holds its document (AST, tokens, locations: ≈ 6 KB for a
 * one-field subscription) for its whole life: 10,000 identical subscribes now share one instead
 * of holding 10,000 copies, and skip the parse and validation. Least recently used goes first.
 */
class ValidDocuments {
  private readonly byQuery = new Map<string, DocumentNode>();

  get(query: string): DocumentNode | undefined {
    const document = this.byQuery.get(query);
    if (document) {
      this.byQuery.delete(query);
      this.byQuery.set(query, document);
    }
    return document;
  }

  set(query: string, document: DocumentNode): void {
    // A long query is rare enough to parse each time, and its AST would be the bulk of the cache.
    if (query.length > MAX_CACHED_QUERY_CHARS) return;
    this.byQuery.set(query, document);
    if (this.byQuery.size > MAX_CACHED_DOCUMENTS) this.byQuery.delete(this.byQuery.keys().next().value as string);
  }
}

const MAX_CACHED_DOCUMENTS = 500;
const MAX_CACHED_QUERY_CHARS = 4_000;

/** The error without `extensions.http`, for a client that is not answered over HTTP. */
export function withoutHttp(error: GraphQLError): GraphQLError {
  if (!('http' in error.extensions)) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError, extensions });
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}
