import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextDidResolveOperation, type GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, type Consumer } from '../domain/index.js';
import type { GraphQLContext } from '../graphql/context.js';
import { MAX_QUERY_NODES, PriceCache, type Pricing } from '../graphql/limits/cost.js';
import { limitError } from '../graphql/limits/errors.js';
import { introspects } from '../graphql/limits/introspection.js';
import { isTokenLimitError, tokenLimitError } from '../graphql/limits/tokens.js';
import { withoutSuggestions } from '../graphql/suggestions.js';

/** What the throttle answers for one operation (src/resilience/consumer-throttle.ts). */
export type Admission =
  | { readonly admitted: true; readonly requests: RequestWindow }
  | { readonly admitted: false; readonly budget: 'requests' | 'providerCalls'; readonly limit: number; readonly retryAfterMs: number };

/** The consumer's request budget after an admitted operation. */
export interface RequestWindow {
  readonly limit: number;
  readonly remaining: number;
  readonly resetAfterMs: number;
}

/** The per-consumer throttle as the server sees it. */
export interface OperationThrottle {
  /** Answered at once when the count is at hand; a promise when it must be asked for. */
  admit(consumer: { readonly id: string; readonly profile: string }): Admission | Promise<Admission>;
}

export interface OperationLimitsOptions {
  readonly schema: GraphQLSchema;
  /** The parse limit handed to Apollo as `parseOptions.maxTokens`; here to name it in the error. */
  readonly maxTokens: number;
  readonly maxSymbolsPerList: number;
  /** Introspection for everyone (INTROSPECTION); when off, only `introspectionProfiles` may. */
  readonly introspection: boolean;
  readonly introspectionProfiles: ReadonlySet<string>;
  /** Largest cost of one operation for a profile. */
  readonly costBudget: (profile: string) => number;
  readonly throttle?: OperationThrottle;
}

/**
 * The abuse limits that depend on who asks or on the variables, applied once the operation is
 * known and before anything runs (Apollo's `didResolveOperation`; the response cache answers
 * after it, so a refused consumer gets no cached answer either): introspection per profile, the
 * `symbols:` list length, the cost budget of the consumer's profile, then the consumer's
 * requests and provider calls per minute; and, for consumers who may not introspect, no schema
 * names suggested in error messages. Depth and aliases are validation rules (once per
 * document); the token limit is Apollo's `parseOptions`, whose parse failure this plugin
 * re-labels as QUERY_TOO_COMPLEX.
 *
 * A refused operation is refused whole: HTTP 400 for a limit, 429 with Retry-After for a spent
 * budget (`extensions.retryAfter` in seconds).
 *
 * `afterLimits` are the other checks of a resolved operation (RIGHTS_DENIAL=request), run here,
 * in order, once every limit passed. Apollo runs the `didResolveOperation` of all plugins side by
 * side and does not stop the others when one throws, so a check in a plugin of its own would walk
 * a document the limits are refusing: every limit must come before any other analysis.
 */
export function operationLimits(options: OperationLimitsOptions, afterLimits: readonly OperationCheck[] = []): ApolloServerPlugin<GraphQLContext> {
  const gate = operationGate(options);
  /** Requests whose parse stopped at the token limit, by their context. */
  const tooManyTokens = new WeakSet<object>();
  /** The consumer's request window after each admitted operation, by its context. */
  const windows = new WeakMap<object, RequestWindow>();

  const listener: GraphQLRequestListener<GraphQLContext> = {
    async parsingDidStart({ contextValue }) {
      return async (error) => {
        if (isTokenLimitError(error, options.maxTokens)) tooManyTokens.add(contextValue);
      };
    },

    async didResolveOperation(context) {
      const { contextValue, document, operation, request } = context;
      const window = await gate(contextValue.consumer, document, operation, request.variables ?? {});
      if (window) windows.set(contextValue, window);
      for (const check of afterLimits) await check(context);
    },

    async willSendResponse({ contextValue, response }) {
      const window = windows.get(contextValue);
      if (window) setRateLimitHeaders(response.http.headers, window);
      if (response.body.kind !== 'single') return;
      const result = response.body.singleResult;
      if (tooManyTokens.has(contextValue)) result.errors = [tokenLimitError(options.maxTokens)];
      // Apollo's formatError does not know who asked; this is the last point that does.
      else if (result.errors && !mayIntrospect(options, contextValue.consumer)) result.errors = result.errors.map(withoutSuggestions);
    },
  };

  return {
    async requestDidStart() {
      return listener;
    },
  };
}

/** A check of an operation that passed every limit; throws the GraphQLError that refuses it whole. */
export type OperationCheck = (context: GraphQLRequestContextDidResolveOperation<GraphQLContext>) => void | Promise<void>;

/**
 * Checks one operation of `consumer` before it runs; throws the GraphQLError that refuses it whole.
 * Answers the consumer's request window once the throttle admitted it (none without a throttle).
 */
export type OperationGate = (
  consumer: Consumer,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  variables: Readonly<Record<string, unknown>>,
) => Promise<RequestWindow | undefined>;

/** The checks of `operationLimits`, for HTTP operations and graphql-ws subscriptions alike. */
export function operationGate(options: OperationLimitsOptions): OperationGate {
  const prices = new PriceCache(options.schema);
  return async (consumer, document, operation, variables) => {
    if (!mayIntrospect(options, consumer) && introspects(document)) {
      const who = consumer.anonymous ? 'callers without credentials' : `the "${consumer.profile}" profile`;
      throw new GraphQLError(`GraphQL introspection (__schema, __type) is not allowed for ${who}.`, {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'introspection', http: { status: 400 } },
      });
    }
    if (operation) checkPrice(prices.price(document, operation, variables), consumer, options);
    if (!options.throttle) return undefined;
    const admission = await options.throttle.admit(consumer);
    checkAdmission(admission, consumer);
    return admission.admitted ? admission.requests : undefined;
  };
}

/**
 * Whether `consumer` may read the schema: introspection is on for everyone (INTROSPECTION), or its
 * profile is one of INTROSPECTION_PROFILES. Who may not also gets error messages without graphql-js's
 * "Did you mean …?" suggestions of schema names (src/graphql/suggestions.ts).
 */
export function mayIntrospect(options: Pick<OperationLimitsOptions, 'introspection' | 'introspectionProfiles'>, consumer: Pick<Consumer, 'profile'>): boolean {
  return options.introspection || options.introspectionProfiles.has(consumer.profile);
}

/**
 * The consumer's request budget, as the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers,
 * the `RateLimit-Limit` / `-Remaining` / `-Reset` form most clients read), so a frontend can slow
 * down before it is refused rather than after.
 */
function setRateLimitHeaders(headers: HeaderMap, window: RequestWindow): void {
  headers.set('ratelimit-limit', String(window.limit));
  headers.set('ratelimit-remaining', String(window.remaining));
  headers.set('ratelimit-reset', String(Math.ceil(window.resetAfterMs / 1000)));
  headers.set('ratelimit-policy', `${window.limit};w=60`);
}

/** The symbols-per-list limit and the cost budget of the consumer's profile. */
function checkPrice(pricing: Pricing, consumer: Consumer, options: OperationLimitsOptions): void {
  // Variables that do not fit the operation: execution refuses them with their own errors.
  if (pricing.kind === 'bad-variables') return;
  if (pricing.kind === 'too-many-nodes') {
    throw limitError(ErrorCode.QUERY_TOO_COMPLEX, `The operation expands to more than ${MAX_QUERY_NODES} fields once fragments are spread (maxQueryNodes).`, {
      limit: 'maxQueryNodes',
      max: MAX_QUERY_NODES,
    });
  }
  const symbols = pricing.longestSymbols;
  const max = options.maxSymbolsPerList;
  if (symbols && symbols.count > max) {
    throw limitError(ErrorCode.BAD_USER_INPUT, `At most ${max} symbols per list; ${symbols.field}(symbols:) got ${symbols.count} (maxSymbolsPerList).`, {
      limit: 'maxSymbolsPerList',
      max,
      actual: symbols.count,
    });
  }
  const budget = options.costBudget(consumer.profile);
  if (pricing.cost > budget) {
    throw limitError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `The operation costs ${pricing.cost}; the budget of the "${consumer.profile}" profile is ${budget} (costBudget). Ask for fewer symbols, items or nested fields.`,
      { limit: 'costBudget', max: budget, actual: pricing.cost },
    );
  }
}

/** Retry-After, and for a spent request budget the RateLimit fields at zero. */
function refusalHeaders(admission: Extract<Admission, { admitted: false }>, retryAfter: number): HeaderMap {
  const headers = new HeaderMap([['retry-after', String(retryAfter)]]);
  if (admission.budget === 'requests') setRateLimitHeaders(headers, { limit: admission.limit, remaining: 0, resetAfterMs: admission.retryAfterMs });
  return headers;
}

/** A spent budget refuses the whole request: 429, Retry-After, RATE_LIMITED with `retryAfter` in seconds. */
function checkAdmission(admission: Admission, consumer: Consumer): void {
  if (admission.admitted) return;
  const retryAfter = Math.ceil(admission.retryAfterMs / 1000);
  const what = admission.budget === 'requests' ? 'requests' : 'provider calls';
  throw new GraphQLError(`Too many ${what}: the "${consumer.profile}" profile allows ${admission.limit} per minute; retry in ${retryAfter} s.`, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAfter,
      budget: admission.budget,
      limit: admission.limit,
      http: { status: 429, headers: refusalHeaders(admission, retryAfter) },
    },
  });
}
