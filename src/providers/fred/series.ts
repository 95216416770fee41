import type { z } from 'zod';
import { ProviderFailureKind, type EconomicSeries, type EconomicSeriesQuery } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import type { ProviderHttpClient } from '../http.js';
import { withKey, type KeySource } from '../keys.js';
import { fredFailure } from './errors.js';
import {
  FredObservationsResponseSchema,
  FredSeriesResponseSchema,
  parseLastUpdated,
  type FredObservationsResponse,
  type FredSeries,
} from './schemas.js';

export const FRED_PROVIDER_ID = 'fred';

export interface FredSeriesDependencies {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; may carry a path prefix (a proxy). */
  readonly baseUrl: string;
  /** Clock for `asOf` when FRED gives no `last_updated`; injectable for tests. */
  readonly now?: () => number;
}

/** One request's shared parts: the series, the key for both calls, and the signal that stops both. */
interface Call {
  readonly id: string;
  readonly key: string;
  readonly signal: AbortSignal;
}

/**
 * An economic series is two FRED calls made side by side: `fred/series` for what the series is
 * (title, units, frequency, last revision) and `fred/series/observations` for its values. The
 * first failure aborts the other call, so a refused key or an unknown id costs one round trip.
 */
export function createEconomicSeriesFetcher(deps: FredSeriesDependencies): QueryFetcher<EconomicSeriesQuery, EconomicSeries> {
  const now = deps.now ?? Date.now;

  async function fetchSeries(call: Call): Promise<FredSeries> {
    const url = endpoint(deps.baseUrl, '/fred/series', call);
    const what = `FRED series ${call.id}`;
    const response = await deps.http.getJson(url, { signal: call.signal });
    const failure = fredFailure(deps.http, response, what);
    if (failure) throw failure;
    const payload = parse(deps.http, FredSeriesResponseSchema, response.body, what);
    const series = payload.seriess[0];
    if (!series) throw deps.http.failure(ProviderFailureKind.NOT_FOUND, `${what}: no such series (empty seriess)`);
    // FRED echoes the id it was asked for; another one would be an answer to a different question.
    if (series.id.toUpperCase() !== call.id) {
      throw deps.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: answered for another series`, series.id);
    }
    return series;
  }

  async function fetchObservations(call: Call, query: EconomicSeriesQuery): Promise<FredObservationsResponse> {
    const url = endpoint(deps.baseUrl, '/fred/series/observations', call);
    if (query.from) url.searchParams.set('observation_start', query.from);
    if (query.to) url.searchParams.set('observation_end', query.to);
    const what = `FRED observations of ${call.id}`;
    const response = await deps.http.getJson(url, { signal: call.signal });
    const failure = fredFailure(deps.http, response, what);
    if (failure) throw failure;
    const payload = parse(deps.http, FredObservationsResponseSchema, response.body, what);
    // FRED pages at 100,000 observations; a cut-off page served as the whole window would be a lie.
    if (payload.count !== undefined && payload.count > payload.observations.length) {
      throw deps.http.failure(
        ProviderFailureKind.BAD_RESPONSE,
        `${what}: answered ${payload.observations.length} of ${payload.count} observations; the window needs narrowing`,
      );
    }
    return payload;
  }

  return {
    async fetch(query: EconomicSeriesQuery, options: FetchOptions = {}): Promise<EconomicSeries> {
      const calledAt = now();
      // One key per request, so both halves of an answer are on the same key's quota: two calls' worth.
      const [series, observations] = await withKey(
        deps.keys,
        (key) => {
          const siblings = new AbortController();
          const call: Call = {
            id: query.id,
            key,
            signal: options.signal ? AbortSignal.any([options.signal, siblings.signal]) : siblings.signal,
          };
          const abortSiblingOnFailure = <T>(work: Promise<T>): Promise<T> =>
            work.catch((error: unknown) => {
              siblings.abort();
              throw error;
            });
          return Promise.all([abortSiblingOnFailure(fetchSeries(call)), abortSiblingOnFailure(fetchObservations(call, query))]);
        },
        { cost: 2 },
      );
      return {
        id: query.id,
        title: series.title,
        units: series.units,
        frequency: series.frequency,
        observations: observations.observations.map(({ date, value }) => ({ date, value })),
        source: FRED_PROVIDER_ID,
        asOf: parseLastUpdated(series.last_updated) ?? new Date(calledAt),
        stale: false,
      };
    },
  };
}

/** `baseUrl + path`, never `new URL(path, base)`: a leading slash would drop the base's own path. */
function endpoint(baseUrl: string, path: string, call: Call): URL {
  const url = new URL(baseUrl + path);
  url.searchParams.set('series_id', call.id);
  url.searchParams.set('file_type', 'json');
  url.searchParams.set('api_key', call.key);
  return url;
}

/** The payload read through its schema, or BAD_RESPONSE naming the first fields that did not fit. */
function parse<S extends z.ZodType>(http: ProviderHttpClient, schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: payload does not match FRED's documented format (${issues})`, JSON.stringify(body));
}
