import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLRequestListener } from '@apollo/server';
import { rightsScope, type CacheKind } from '../../domain/index.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { cachePolicy, type CachePolicy } from './policy.js';
import type { CachedResponse, ResponseStore } from './store.js';

/** `HIT` when the answer came from the response cache, `MISS` when a cacheable query was executed. */
export const CACHE_HEADER = 'x-cache';

export interface ResponseCacheOptions {
  readonly store: ResponseStore;
  /** Freshness per kind of data (`CACHE_TTL_*`), in ms; a kind at 0 keeps every query touching it out. */
  readonly ttlMs: Readonly<Record<CacheKind, number>>;
  /** Each cacheable query, answered from the cache or not (metrics). */
  readonly onLookup?: (result: 'hit' | 'miss') => void;
  /** Each answer given from the cache, with the request it answered (the answer lane keeps it: answer-lane.ts). */
  readonly onHit?: (context: GraphQLRequestContext<GraphQLContext>, cached: CachedResponse) => void;
  readonly now?: () => number;
}

/**
 * The whole-response cache: a repeated query is answered from the shared store before execution
 * (Apollo's `responseForOperation`), with no resolver, loader or provider involved.
 *
 * - Only queries that read market data (see policy.ts), never mutations, subscriptions or
 *   provider status; only answers without errors and without stale parts.
 * - Keyed by the consumer's rights scope, the query's hash, the operation name and the variables:
 *   an answer depends on nothing else, so consumers with the same rights share answers and
 *   consumers with different rights never do (a field denied to one is never served to another).
 * - Kept until the first of its answers stops being fresh: a query's kinds each give
 *   `request start + TTL`, and an answer the market cache served gives `fetched + TTL` of its kind
 *   (read from the request's tracker). So a cached response is never older than the market cache
 *   itself would serve; the response cache saves the work, not freshness.
 */
export function responseCache(options: ResponseCacheOptions): ApolloServerPlugin<GraphQLContext> {
  const now = options.now ?? Date.now;
  return {
    async requestDidStart() {
      const startedAt = now();
      let key: string | undefined;
      let policy: CachePolicy | undefined;
      let hit = false;
      const listener: GraphQLRequestListener<GraphQLContext> = {
        async responseForOperation(context) {
          // No operation to run (an unknown operationName, several operations and none named):
          // execution answers that with its 400, and there is nothing to look up.
          if (!context.operation) return null;
          policy = cachePolicy(context.schema, context.document, context.operation);
          if (policy === undefined) return null;
          key = cacheKey(context);
          const cached = await options.store.get(key);
          const at = now();
          if (cached === undefined || cached.expiresAt <= at) {
            options.onLookup?.('miss');
            return null;
          }
          hit = true;
          options.onLookup?.('hit');
          options.onHit?.(context, cached);
          const headers = new HeaderMap([
            [CACHE_HEADER, 'HIT'],
            ['age', String(Math.max(0, Math.floor((at - cached.storedAt) / 1000)))],
          ]);
          return { http: { status: undefined, headers }, body: { kind: 'single', singleResult: { data: cached.data } } };
        },
        async willSendResponse(context) {
          if (key === undefined || policy === undefined || hit) return;
          context.response.http.headers.set(CACHE_HEADER, 'MISS');
          const { body, http } = context.response;
          if (body.kind !== 'single' || (http.status !== undefined && http.status !== 200)) return;
          const { data, errors } = body.singleResult;
          if (errors?.length || context.errors?.length || data === null || data === undefined) return;
          const stale = context.contextValue.stale;
          // Kept answers are data alone: one that must carry `extensions` (stale, data problems) is not kept.
          if (!stale.isEmpty || !context.contextValue.dataProblems.isEmpty) return;
          const expiresAt = freshUntil(policy, options.ttlMs, startedAt, stale.oldestFetched);
          const storedAt = now();
          if (expiresAt <= storedAt) return;
          void options.store.set(key, { data, storedAt, expiresAt }, expiresAt - storedAt);
        },
      };
      return listener;
    },
  };
}

/**
 * sha256 of everything an answer depends on. The scope goes in whole (not the consumer id), so
 * two consumers with the same rights share entries; `queryHash` is Apollo's sha256 of the query
 * text (the APQ hash), computed for every request anyway.
 */
function cacheKey(context: GraphQLRequestContext<GraphQLContext>): string {
  const scope = rightsScope(context.contextValue.consumer);
  const variables = context.request.variables === undefined ? '' : JSON.stringify(context.request.variables);
  return createHash('sha256')
    .update(`${scope}\u0000${context.queryHash}\u0000${context.operationName ?? ''}\u0000${variables}`)
    .digest('base64url');
}

/** When the first answer of the response stops being fresh (epoch ms). */
function freshUntil(
  policy: CachePolicy,
  ttlMs: Readonly<Record<CacheKind, number>>,
  startedAt: number,
  oldestFetched: Readonly<Partial<Record<CacheKind, number>>> | undefined,
): number {
  let until = Number.POSITIVE_INFINITY;
  for (const kind of policy.kinds) until = Math.min(until, startedAt + ttlMs[kind]);
  if (oldestFetched !== undefined) {
    for (const [kind, at] of Object.entries(oldestFetched) as Array<[CacheKind, number]>) until = Math.min(until, at + ttlMs[kind]);
  }
  return until;
}
