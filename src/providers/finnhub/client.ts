import type { z } from 'zod';
import { ProviderFailureKind } from '../../domain/index.js';
import type { ProviderHttpClient } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { finnhubFailure } from './errors.js';

export const FINNHUB_PROVIDER_ID = 'finnhub' as const;

/** What every Finnhub capability is built from. */
export interface FinnhubContext {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; the real one carries the `/api/v1` prefix. */
  readonly baseUrl: string;
  /** Clock for `asOf` when Finnhub gives no timestamp; injectable for tests. */
  readonly now: () => number;
}

/**
 * One Finnhub call: the URL from the base and neutral parameters, the key in the documented
 * `X-Finnhub-Token` header (so it never rides in a URL that a proxy or log might keep), and the
 * provider's error answers classified before anyone reads the body as data. The key source hears
 * how the call ended.
 */
export async function getFinnhub(
  context: FinnhubContext,
  path: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  // Concatenate rather than resolve: `new URL('/quote', base)` would drop the `/api/v1` prefix.
  const url = new URL(context.baseUrl + path);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return withKey(context.keys, async (key) => {
    const response = await context.http.getJson(url, { signal, headers: { 'x-finnhub-token': key } });
    const failure = finnhubFailure(context.http, response, what, context.now());
    if (failure) throw failure;
    return response.body;
  });
}

/** The payload read through its schema, or BAD_RESPONSE naming the first field that did not fit. */
export function parsePayload<S extends z.ZodType>(context: FinnhubContext, schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
  throw context.http.failure(
    ProviderFailureKind.BAD_RESPONSE,
    `${what}: answer does not match Finnhub's documented format (${where}: ${issue?.message ?? 'invalid'})`,
    JSON.stringify(body) ?? String(body),
  );
}
