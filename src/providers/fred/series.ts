import { ProviderFailureKind, type EconomicSeries, type EconomicSeriesQuery } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { withKey } from '../keys.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { getFred, PROVIDER_ID, type FredCall } from './client.js';
import {
  FredObservationsResponseSchema,
  FredSeriesResponseSchema,
  parseLastUpdated,
  type FredObservationsResponse,
  type FredSeries,
} from './schemas.js';

/**
 * An economic series is two FRED calls made side by side: `fred/series` for what the series is
 * (title, units, frequency, last revision) and `fred/series/observations` for its values. The
 * first failure aborts the other call, so a refused key or an unknown id costs one round trip.
 */
export function createEconomicSeriesFetcher(context: RemoteContext): QueryFetcher<EconomicSeriesQuery, EconomicSeries> {
  async function fetchSeries(call: FredCall): Promise<FredSeries> {
    const what = `FRED series ${call.id}`;
    const payload = await getFred(context, '/fred/series', call, FredSeriesResponseSchema, what);
    const series = payload.seriess[0];
    if (!series) throw context.http.failure(ProviderFailureKind.NOT_FOUND, `${what}: no such series (empty seriess)`);
    // FRED echoes the id it was asked for; another one would be an answer to a different question.
    if (series.id.toUpperCase() !== call.id) {
      throw context.http.failure(ProviderFailureKind.BAD_RESPONSE, `${what}: answered for another series`, series.id);
    }
    return series;
  }

  async function fetchObservations(call: FredCall, query: EconomicSeriesQuery): Promise<FredObservationsResponse> {
    const what = `FRED observations of ${call.id}`;
    const window = { ...(query.from ? { observation_start: query.from } : {}), ...(query.to ? { observation_end: query.to } : {}) };
    const payload = await getFred(context, '/fred/series/observations', call, FredObservationsResponseSchema, what, window);
    // FRED pages at 100,000 observations; a cut-off page served as the whole window would be a lie.
    if (payload.count !== undefined && payload.count > payload.observations.length) {
      throw context.http.failure(
        ProviderFailureKind.BAD_RESPONSE,
        `${what}: answered ${payload.observations.length} of ${payload.count} observations; the window needs narrowing`,
      );
    }
    return payload;
  }

  return {
    async fetch(query: EconomicSeriesQuery, options: FetchOptions = {}): Promise<EconomicSeries> {
      const calledAt = context.now();
      // One key per request, so both halves of an answer are on the same key's quota: two calls' worth.
      const [series, observations] = await withKey(
        context.keys,
        (key) => {
          const siblings = new AbortController();
          const call: FredCall = {
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
        source: PROVIDER_ID,
        asOf: parseLastUpdated(series.last_updated) ?? new Date(calledAt),
        stale: false,
      };
    },
  };
}
