import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { CacheKind } from '../market/cache/cache.js';
import { fetchedAt } from '../market/cache/fetched-at.js';
import { wasServedStale } from '../market/staleness.js';

/**
 * Where in the response a stale answer sits, in the form of `errors[].path`: response keys
 * (aliases where the document uses them) and list indexes, e.g. `["quotes", 1]` or
 * `["company", "quote"]`. A list served stale as a whole (price history, search results,
 * financial statements) is named by the list's own path, e.g. `["priceHistory"]`.
 */
export type ResponsePath = ReadonlyArray<string | number>;

/**
 * The stale answers of one request, collected by the few resolvers whose result can come from
 * the stale cache, and read once by the server when the response goes out
 * (`extensions.stale`, `X-Data-Stale`). Costs one empty object per request until something is
 * stale: no field resolver is wrapped, no array is allocated.
 */
export class StaleTracker {
  private found: ResponsePath[] | undefined;
  private oldest: Partial<Record<CacheKind, number>> | undefined;

  /**
   * Per kind of data, when the oldest answer this request took from the market cache was fetched
   * from its provider (answers fetched for this request are not listed): the response cache keeps
   * a response no longer than those answers stay fresh.
   */
  get oldestFetched(): Readonly<Partial<Record<CacheKind, number>>> | undefined {
    return this.oldest;
  }

  /** The paths noted so far, in the order their answers arrived (not significant). */
  get paths(): readonly ResponsePath[] {
    return this.found ?? [];
  }

  get isEmpty(): boolean {
    return this.found === undefined;
  }

  /** Notes `value` at the field `info` resolves when it was served stale; returns it unchanged. */
  note<T>(value: T, info: GraphQLResolveInfo): T {
    if (wasServedStale(value)) this.add(responsePathAsArray(info.path));
    this.noteFetched(value);
    return value;
  }

  /** Notes each stale item of a list the field `info` resolves, at `[...path, index]`. */
  noteItems<T>(values: readonly T[], info: GraphQLResolveInfo): readonly T[] {
    let listPath: Array<string | number> | undefined;
    values.forEach((value, index) => {
      this.noteFetched(value);
      if (!wasServedStale(value)) return;
      listPath ??= responsePathAsArray(info.path);
      this.add([...listPath, index]);
    });
    return values;
  }

  private noteFetched(value: unknown): void {
    const fetched = fetchedAt(value);
    if (fetched === undefined) return;
    const known = (this.oldest ??= {})[fetched.kind];
    if (known === undefined || fetched.at < known) this.oldest[fetched.kind] = fetched.at;
  }

  private add(path: ResponsePath): void {
    (this.found ??= []).push(path);
  }
}

/**
 * For resolvers: the answer `pending` will give, noted in `tracker` if it was served stale.
 * Rejections pass through untouched.
 */
export function trackStale<T>(tracker: StaleTracker, info: GraphQLResolveInfo, pending: Promise<T>): Promise<T> {
  return pending.then((value) => tracker.note(value, info));
}

/** As `trackStale`, for a list whose items are answered (and can be stale) one by one. */
export function trackStaleItems<T>(tracker: StaleTracker, info: GraphQLResolveInfo, pending: Promise<T[]>): Promise<T[]> {
  return pending.then((values) => {
    tracker.noteItems(values, info);
    return values;
  });
}
