/**
 * What the status console shows, one snapshot at a time: built by the composition root from the
 * parts that know (app/status.ts), sent by the console's event stream (console.ts), drawn by its
 * page (page-script.ts). Plain JSON: keys are masked, nothing here is a secret.
 */
export interface StatusSnapshot {
  readonly at: string;
  readonly providers: readonly ProviderPanel[];
  /** Breaker changes since start, newest first (at most 50). */
  readonly breakerHistory: ReadonlyArray<{ readonly provider: string; readonly state: string; readonly at: string }>;
  readonly cache: {
    readonly tiers: string;
    /** `connected`, `away`, or `none` without REDIS_URL. */
    readonly redis: 'connected' | 'away' | 'none';
    readonly hitRatio: ReadonlyArray<{ readonly kind: string; readonly tier: string; readonly hits: number; readonly lookups: number }>;
    readonly entries: ReadonlyArray<{ readonly tier: string; readonly count: number }>;
    readonly responseCache: { readonly hits: number; readonly misses: number };
  };
  readonly live: {
    readonly upstreamFeeds: number;
    readonly subscriptions: number;
    readonly connections: ReadonlyArray<{ readonly provider: string; readonly state: string; readonly count: number }>;
    readonly symbols: ReadonlyArray<{ readonly provider: string; readonly count: number }>;
  };
  readonly refusals: ReadonlyArray<{ readonly code: string; readonly cause: string; readonly count: number }>;
  /** The latest audit entries, for a consumer with ADMIN; null for anyone else. */
  readonly audit: ReadonlyArray<Record<string, unknown>> | null;
}

export interface ProviderPanel {
  readonly id: string;
  readonly name: string;
  readonly breaker: { readonly state: string; readonly since: string | null; readonly lastErrorKind: string | null };
  /** Share of the last 5 minutes' calls answered, 0–100; null without calls. */
  readonly healthScore: number | null;
  readonly latency: { readonly p50Ms: number | null; readonly p99Ms: number | null };
  readonly calls: number;
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly keys: ReadonlyArray<{ readonly key: string; readonly state: string; readonly remainingPerMinute: number | null; readonly remainingPerDay: number | null }>;
  readonly deadLetters: number;
}

/** Builds a snapshot for one viewer (`admin`: whether the audit entries are theirs to see). */
export type StatusSource = (viewer: { readonly admin: boolean }) => Promise<StatusSnapshot>;
