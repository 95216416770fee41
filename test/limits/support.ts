import { postQuery, type GraphQLResponse } from '../support/graphql-client.js';
import { sample, scrapeMetrics } from '../support/metrics.js';

/** What a client sees of one GraphQL POST. */
export type Answer = GraphQLResponse<Record<string, unknown>>;

/** POSTs a raw document (these tests send documents built to break limits, not codegen ones). */
export function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  return postQuery(url, query, variables, headers);
}

export { apiKeyEntry } from '../support/api-keys.js';

/** Every provider call the gateway reports on /metrics (provider_requests_total, all labels). */
export async function providerCalls(origin: string): Promise<number> {
  return sample(await scrapeMetrics(origin), 'provider_requests_total');
}

/** `n` symbols no test has asked before (the simulated market quotes any well-formed ticker). */
export function freshSymbols(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, index) => `${tag}${index}`.toUpperCase().slice(0, 10));
}
