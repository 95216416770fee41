/**
 * How often a polling feed may call a provider: the pure arithmetic, apart from the timers, so it
 * can be read (and tested) as a formula.
 *
 * A poll asks for every watched symbol of the provider in calls of at most `batchSize` symbols:
 * `calls = ceil(symbols / batchSize)`. For each window of the key's quota (N calls per W), the
 * feed may spend `share · N · keys` calls per W, so polls must be at least
 * `W · calls / (share · N · keys)` apart. The interval is the largest of these over the windows,
 * and never below the floor. It grows with the symbols and shrinks with the quota and the keys.
 */

/** The windows a provider plan counts in; the same words as `<NAME>_QUOTA` (src/config/quota.ts). */
export type PollQuotaWindow = 'second' | 'minute' | 'day';

/**
 * One limit of a key's quota, shaped like config's QuotaSetting and resilience's QuotaLimit
 * (matched structurally: streaming imports neither layer), so the composition root passes the
 * parsed `<NAME>_QUOTA` as it is.
 */
export interface PollQuotaLimit {
  readonly points: number;
  readonly per: PollQuotaWindow;
}

/** What the feed may draw on: the plan's limits per key, and how many keys the key pool rotates. */
export interface PollQuota {
  /** Per key; none means the plan states no limit, and only the floor paces the feed. */
  readonly limits: readonly PollQuotaLimit[];
  /** Keys in the provider's pool (default 1): the pool spreads calls, so each key's quota adds up. */
  readonly keys?: number;
}

export interface PollPace {
  /** Upstream calls one poll makes. */
  readonly calls: number;
  /** From the start of one poll to the start of the next. */
  readonly intervalMs: number;
  /**
   * Between two calls of one poll; 0 unless one poll alone would overspend a window (a provider
   * that cannot batch, with more symbols than the window's share), then the calls are spread at
   * the window's pace instead of bursting.
   */
  readonly gapMs: number;
}

const WINDOW_MS: Readonly<Record<PollQuotaWindow, number>> = { second: 1_000, minute: 60_000, day: 86_400_000 };

/**
 * Half the quota by default. The feed is not the key's only user: queries that miss the cache,
 * background revalidations, delayed quotes and the stream kit's baselines spend from the same
 * windows, and until the cluster fan-out gives each symbol one owner every gateway instance polls
 * on its own. Half keeps the feed from starving the query path into RATE_LIMITED answers while
 * still polling as often as the plan can afford.
 */
export const DEFAULT_POLL_SHARE = 0.5;

/** One second: no provider's REST quote moves meaningfully faster, and a loop at full speed helps no one. */
export const DEFAULT_POLL_FLOOR_MS = 1_000;

/** The pace of a poll of `symbols` symbols (0 symbols: no calls, the floor). */
export function pollPace(symbols: number, batchSize: number, quota: PollQuota, share: number, floorMs: number): PollPace {
  const calls = Math.ceil(Math.max(0, symbols) / Math.max(1, Math.floor(batchSize)));
  const keys = Math.max(1, Math.floor(quota.keys ?? 1));
  let intervalMs = floorMs;
  let gapMs = 0;
  for (const limit of quota.limits) {
    // Calls this feed may make per window; fractional on purpose (25/day at 50 % is 12.5 a day).
    const budget = share * limit.points * keys;
    const windowMs = WINDOW_MS[limit.per];
    intervalMs = Math.max(intervalMs, (windowMs * calls) / budget);
    if (calls > budget) gapMs = Math.max(gapMs, windowMs / budget);
  }
  return { calls, intervalMs: Math.ceil(intervalMs), gapMs: Math.ceil(gapMs) };
}

/** `share` as given, or why it is not one: a share is a fraction of the quota, more than 0 and at most 1. */
export function checkedShare(share: number | undefined): number {
  const value = share ?? DEFAULT_POLL_SHARE;
  if (!Number.isFinite(value) || value <= 0 || value > 1) throw new Error(`a poll share is a fraction in (0, 1]; got ${String(share)}`);
  return value;
}
