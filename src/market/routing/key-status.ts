import { maskKey } from '../../providers/redact.js';

/**
 * One API key of a provider as its key pool reports it: masked, its state (ACTIVE, RESTING,
 * RETIRED) and what is left of each quota window, null when the pool counts no quota.
 */
export interface KeySnapshot {
  readonly key: string;
  readonly state: string;
  readonly remaining: { readonly second?: number; readonly minute?: number; readonly day?: number } | null;
  /** The plan's calls per window, when the pool counts a quota. */
  readonly limits?: { readonly second?: number; readonly minute?: number; readonly day?: number };
}

/**
 * Whatever can tell the state of a provider's keys. The quota key pool (`QuotaKeyPool` in
 * src/resilience) fits as it is; the registry holds at most one per provider and reads it only
 * when status is asked, so a pool can be attached any time before then.
 */
export interface KeyStatusSource {
  snapshot(): readonly KeySnapshot[] | Promise<readonly KeySnapshot[]>;
  /** Whether some key could be used right now, from local state (routing skips a provider whose keys are all spent); absent: assume so. */
  usableNow?(): boolean;
}

/** A key as the provider status shows it. */
export interface ProviderKeyStatus {
  /** Its last 4 characters at most. */
  readonly key: string;
  readonly state: string;
  readonly remainingPerMinute: number | null;
  readonly remainingPerDay: number | null;
}

/** The keys of a provider, `[]` without a source. Masked again here, so no source can leak a key. */
export async function keyStatusOf(source: KeyStatusSource | undefined): Promise<ProviderKeyStatus[]> {
  if (!source) return [];
  const keys = await source.snapshot();
  return keys.map((entry) => ({
    key: maskKey(entry.key),
    state: entry.state,
    remainingPerMinute: entry.remaining?.minute ?? null,
    remainingPerDay: entry.remaining?.day ?? null,
  }));
}

/**
 * Every key's remaining calls per quota window and the window's limit, keys masked: the
 * `provider_quota_remaining` and `provider_quota_limit` gauges (a retired key has neither).
 */
export async function quotaReadings(
  sources: ReadonlyMap<string, KeyStatusSource>,
): Promise<Array<{ provider: string; key: string; window: string; remaining: number; limit: number }>> {
  const perProvider = await Promise.all(
    [...sources].map(async ([provider, source]) =>
      (await source.snapshot()).flatMap((entry) =>
        Object.entries(entry.remaining ?? {}).flatMap(([window, remaining]) => {
          const limit = entry.limits?.[window as keyof NonNullable<KeySnapshot['limits']>];
          return typeof remaining === 'number' && typeof limit === 'number' ? [{ provider, key: maskKey(entry.key), window, remaining, limit }] : [];
        }),
      ),
    ),
  );
  return perProvider.flat();
}
