import { z } from 'zod';

/**
 * What a consumer may read or do. Fields of the schema declare the right they need with
 * `@requiresRight`; profiles (config) grant sets of them.
 */
export const Right = z.enum([
  'QUOTES_DELAYED',
  'QUOTES_REALTIME',
  /** `quoteConsensus`: one call to every quote provider per request, so a right of its own. */
  'QUOTES_CONSENSUS',
  'HISTORY',
  'COMPANY',
  'FUNDAMENTALS',
  'SEARCH',
  'ECONOMICS',
  'STREAMING',
  'PROVIDER_STATUS',
  'ADMIN',
]);
export type Right = z.infer<typeof Right>;

export const ALL_RIGHTS: readonly Right[] = Right.options;

/**
 * Who is asking: the bearer of a verified token or API key, or the anonymous public. Built once
 * per request (or per graphql-ws connection) by src/auth and read by rights, audit, throttling
 * and the response cache.
 */
export interface Consumer {
  /** Stable id for audit and throttling: the token's `sub`, the API key's consumer id, or `anonymous`. */
  readonly id: string;
  /** The rights profile named by the token or key (`public` for anonymous callers). */
  readonly profile: string;
  readonly rights: ReadonlySet<Right>;
  /** True when no credentials were presented. */
  readonly anonymous: boolean;
  /**
   * Where an anonymous caller's request came from (src/server/client-address.ts: the peer, or the
   * address trusted proxies forwarded; IPv6 by its /64). Anonymous callers are throttled by it,
   * since they share one id; absent for consumers with credentials and outside a request.
   */
  readonly clientAddress?: string;
}

/** The default rights of the `public` profile (config may change them): what anyone may read. */
export const PUBLIC_RIGHTS: readonly Right[] = ['QUOTES_DELAYED', 'COMPANY', 'SEARCH'];

/** A caller without credentials, with the default public rights. */
export const ANONYMOUS_PUBLIC: Consumer = Object.freeze({
  id: 'anonymous',
  profile: 'public',
  rights: new Set<Right>(PUBLIC_RIGHTS),
  anonymous: true,
});

/**
 * The part of a consumer that decides what a response may contain: two consumers with the same
 * scope see the same answers, so a cached response may be shared between them and no one else.
 */
export function rightsScope(consumer: Consumer): string {
  let scope = scopes.get(consumer.rights);
  if (scope === undefined) scopes.set(consumer.rights, (scope = [...consumer.rights].sort().join(',')));
  return scope;
}

/**
 * Each rights set's scope, worked out once: a profile's set is shared by its consumers and asked
 * on every cacheable request. A set is never changed once a consumer holds it (ReadonlySet).
 */
const scopes = new WeakMap<ReadonlySet<Right>, string>();

/**
 * Who a read is for, carried explicitly from the GraphQL field that asked down to the provider
 * call it causes: the consumer is charged for the call (provider-call budget) and the call is
 * audited for it under `path`. Absent for the gateway's own work (background refreshes,
 * dead-letter retries, a live feed's baseline), which no consumer pays for.
 */
export interface Caller {
  readonly consumer: Consumer;
  /** The GraphQL field path that asked, e.g. `quotes.3.company.financials`. */
  readonly path: string;
}
