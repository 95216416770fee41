/**
 * Which answers were served stale: from cache past their freshness because the providers were
 * asked for a newer value and none could answer. An answer read inside the revalidation window
 * while its refresh runs is not one of them: it is a normal answer, however old (`Quote.age`).
 * Objects that carry provenance say so themselves (`stale: true`); lists (price history, search
 * results) have nowhere to say it, so the very list instance served is remembered here, weakly,
 * for the GraphQL layer to report.
 */
const servedStale = new WeakSet<object>();

/** A copy of a cached value marked stale; the cached value itself is left untouched. */
export function markServedStale<T>(value: T): T {
  if (Array.isArray(value)) {
    const copy = value.map((item: unknown) => markServedStale(item));
    servedStale.add(copy);
    return copy as T;
  }
  if (value !== null && typeof value === 'object' && 'stale' in value) {
    const copy = { ...value, stale: true };
    servedStale.add(copy);
    return copy;
  }
  return value;
}

/** Whether this answer was served stale. */
export function wasServedStale(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return servedStale.has(value) || (value as { stale?: unknown }).stale === true;
}
