import type { z } from 'zod';
import { ProviderFailureKind } from '../../domain/index.js';
import type { JsonResponse, ProviderHttpClient } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { twelveDataFailure } from './errors.js';

export const TWELVEDATA_PROVIDER_ID = 'twelvedata' as const;

/** What every Twelve Data capability is built from. */
export interface TwelveDataContext {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; may carry a path prefix (a proxy). */
  readonly baseUrl: string;
  /** Clock for `asOf` where Twelve Data gives no time, and for quota resets; injectable for tests. */
  readonly now: () => number;
}

/**
 * One Twelve Data call: the key in the documented `Authorization: apikey …` header rather than the
 * `apikey=` parameter, so it never rides in a URL, and the error answers classified before anyone
 * reads the body as data. The whole response comes back for callers that read batch entries. A
 * quote or time series costs one API credit per symbol, and the key source is charged so.
 */
export async function getTwelveData(
  context: TwelveDataContext,
  path: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal?: AbortSignal,
): Promise<JsonResponse> {
  // Concatenate rather than resolve: `new URL('/quote', base)` would drop a path prefix.
  const url = new URL(context.baseUrl + path);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return withKey(
    context.keys,
    async (key) => {
      const response = await context.http.getJson(url, { signal, headers: { authorization: `apikey ${key}` } });
      const failure = twelveDataFailure(context.http, response, what, context.now());
      if (failure) throw failure;
      return response;
    },
    { cost: creditsOf(path, params) },
  );
}

/** Per-symbol endpoints cost a credit for each comma-separated symbol; the rest one a call. */
function creditsOf(path: string, params: Readonly<Record<string, string>>): number {
  if (path !== '/quote' && path !== '/time_series') return 1;
  return Math.max(1, (params['symbol'] ?? '').split(',').filter((symbol) => symbol.trim() !== '').length);
}

/** The payload read through its schema, or BAD_RESPONSE naming the first field that did not fit. */
export function parsePayload<S extends z.ZodType>(context: TwelveDataContext, schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
  throw context.http.failure(
    ProviderFailureKind.BAD_RESPONSE,
    `${what}: answer does not match Twelve Data's documented format (${where}: ${issue?.message ?? 'invalid'})`,
    JSON.stringify(body) ?? String(body),
  );
}
