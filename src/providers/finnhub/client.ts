import type { z } from 'zod';
import type { BatchFetcher } from '../adapter.js';
import { getWithKey } from '../kit/keyed-get.js';
import { parsePayload } from '../kit/payload.js';
import { oneSymbolPerCall, sideBySide } from '../kit/per-symbol.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { finnhubFailure } from './errors.js';

export const PROVIDER_ID = 'finnhub';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'Finnhub' };

/**
 * One Finnhub call: the URL from the base (the real one carries the `/api/v1` prefix) and neutral
 * parameters, the key in the documented `X-Finnhub-Token` header (so it never rides in a URL that
 * a proxy or log might keep), and the provider's error answers classified before anyone reads the
 * body as data. The key source hears how the call ended.
 */
export async function getFinnhub(
  context: RemoteContext,
  path: string,
  params: Readonly<Record<string, string>>,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await getWithKey(context, endpointUrl(context, path, params), {
    signal,
    authorize: (key) => ({ 'x-finnhub-token': key }),
    failureOf: (answer) => finnhubFailure(context.http, answer, what, context.now()),
  });
  return response.body;
}

/** A Finnhub endpoint that answers for one symbol per call (`/quote`, `/stock/profile2`). */
export interface PerSymbolEndpoint<S extends z.ZodType> {
  readonly path: string;
  /** What the endpoint reads, for messages: "quote" gives "Finnhub quote AAPL". */
  readonly label: string;
  readonly schema: S;
}

/**
 * A batch fetcher over a one-symbol endpoint: the symbols asked side by side, each answer read
 * through the endpoint's schema and made a value by `toValue` (which throws where the answer
 * says there is none).
 */
export function perSymbolFetcher<S extends z.ZodType, T>(
  context: RemoteContext,
  endpoint: PerSymbolEndpoint<S>,
  toValue: (context: RemoteContext, symbol: string, raw: z.output<S>, what: string) => T,
): BatchFetcher<T> {
  return oneSymbolPerCall(sideBySide, async (symbol, signal) => {
    const what = `Finnhub ${endpoint.label} ${symbol}`;
    const body = await getFinnhub(context, endpoint.path, { symbol }, what, signal);
    return toValue(context, symbol, parsePayload(context, endpoint.schema, body, what), what);
  });
}
