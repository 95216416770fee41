import type { z } from 'zod';
import { ProviderFailureKind } from '../../domain/index.js';
import { describeIssues } from '../kit/payload.js';
import { endpointUrl, type ProviderIdentity, type RemoteContext } from '../kit/remote-context.js';
import { fredFailure } from './errors.js';

export const PROVIDER_ID = 'fred';
export const PROVIDER: ProviderIdentity = { id: PROVIDER_ID, name: 'FRED (Federal Reserve Economic Data)' };

/** One request's shared parts: the series, the key for both of its calls, and the signal that stops both. */
export interface FredCall {
  readonly id: string;
  readonly key: string;
  readonly signal: AbortSignal;
}

/**
 * One FRED call about `call.id`, with the key as `api_key=` (FRED documents no header), its error
 * answers classified before any schema sees them, and the payload read through `schema`. The key
 * is acquired by the caller: a series is two calls on one key.
 */
export async function getFred<S extends z.ZodType>(
  context: RemoteContext,
  path: string,
  call: FredCall,
  schema: S,
  what: string,
  query: Readonly<Record<string, string>> = {},
): Promise<z.output<S>> {
  const url = endpointUrl(context, path, { series_id: call.id, file_type: 'json', api_key: call.key, ...query });
  const response = await context.http.getJson(url, { signal: call.signal });
  const failure = fredFailure(context.http, response, what);
  if (failure) throw failure;
  const parsed = schema.safeParse(response.body);
  if (parsed.success) return parsed.data;
  throw context.http.failure(
    ProviderFailureKind.BAD_RESPONSE,
    `${what}: payload does not match FRED's documented format (${describeIssues(parsed.error)})`,
    JSON.stringify(response.body),
  );
}
