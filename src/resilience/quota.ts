import { createHash } from 'node:crypto';
import { ProviderError, ProviderFailureKind } from '../domain/index.js';
import { maskKey } from './mask.js';
import { shortestFirst, WINDOW_SECONDS, type QuotaLimit, type QuotaWindow } from './quota-limits.js';
import type { RedisLink } from '../stores/redis-link.js';
import { RestStore } from './rest-store.js';
import { WindowCounter, sharedStore, type SharedStore } from './window-counter.js';

export interface KeyRetiredEvent {
  readonly provider: string;
  /** The key masked (last 4 characters at most): never the key itself. */
  readonly key: string;
  /** Why, in our words (the provider error's message, already free of secrets). */
  readonly reason: string;
}

export type KeyState = 'ACTIVE' | 'RESTING' | 'RETIRED';

/** One key as provider status and metrics may show it. */
export interface KeyQuotaSnapshot {
  readonly key: string;
  readonly state: KeyState;
  /** Calls left in each window of the plan; null for a retired key. */
  readonly remaining: Partial<Record<QuotaWindow, number>> | null;
  /** The plan's calls per window (what `remaining` counts down from). */
  readonly limits: Partial<Record<QuotaWindow, number>>;
}

export interface QuotaKeyPoolOptions {
  readonly provider: string;
  readonly keys: readonly string[];
  /** The plan's limits per key, e.g. 60/min and 30/s; none means keys are only rotated, rested and retired. */
  readonly limits: readonly QuotaLimit[];
  /**
   * Shared by every gateway instance, so they spend one budget per key and see each other's rests.
   * The instance's link: the pool only uses it, its owner closes it.
   */
  readonly redis?: RedisLink;
  /** Namespace of every Redis key (default `mg:quota`); tests use one of their own. */
  readonly prefix?: string;
  /** How long the first call waits for a lazily connecting Redis before counting in memory (default 1 s). */
  readonly connectWaitMs?: number;
  /** Rest of a rate-limited key when neither the provider nor a window of a minute or more names a reset (default 60 s). */
  readonly defaultRestMs?: number;
  /** A key the provider refused as bad was taken out of use. */
  readonly onKeyRetired?: (event: KeyRetiredEvent) => void;
  /** Redis stopped answering: quotas are counted in memory, per instance, until it is back. */
  readonly onStoreDown?: (error: unknown) => void;
  readonly onStoreUp?: () => void;
}

interface Slot {
  readonly key: string;
  /** First 12 hex of sha256(key): names the key in Redis without revealing it. */
  readonly id: string;
  readonly masked: string;
  retired: boolean;
  restUntil: number;
  /** Each window of this key as last seen: when it resets, and the largest cost that still fits until then. */
  readonly windows: Map<QuotaWindow, { readonly resetAt: number; readonly fits: number }>;
}

const DEFAULT_PREFIX = 'mg:quota';
const DEFAULT_REST_MS = 60_000;
/** A provider's Retry-After is believed up to a day and a bit; beyond that it is more likely a parsing slip. */
const MAX_REST_MS = 25 * 3_600_000;

/**
 * The API keys of one provider under its plan's quotas: a KeySource (see src/providers/keys.ts,
 * matched structurally since resilience may not import providers).
 *
 *   acquire  the next usable key in turn, skipping retired and resting keys and those whose
 *            budget is spent. The budget check *is* the spend: one atomic consume per window
 *            (see WindowCounter), so however many calls race, a key is handed out at most its
 *            quota's times per window. With no key usable it fails at once with RATE_LIMITED
 *            and the soonest moment one frees up, costing no upstream call.
 *   report   RATE_LIMITED rests the key until the provider's reset (shared through Redis);
 *            UNAUTHORIZED about the key itself retires it and tells `onKeyRetired`, while a
 *            refusal about the plan (a premium symbol or endpoint) leaves the key in use.
 */
export class QuotaKeyPool {
  readonly provider: string;
  private readonly slots: Slot[];
  private readonly byKey: Map<string, Slot>;
  private readonly ids: readonly string[];
  private readonly windows: WindowCounter[];
  private readonly rests: RestStore | undefined;
  private readonly smallestWindow: QuotaLimit | undefined;
  private cursor = 0;

  constructor(private readonly options: QuotaKeyPoolOptions) {
    const keys = [...new Set(options.keys.filter((key) => key.length > 0))];
    if (keys.length === 0) throw new Error(`a key pool for ${options.provider} needs at least one key`);
    for (const limit of options.limits) {
      if (!Number.isInteger(limit.points) || limit.points < 1) throw new Error(`quota of ${options.provider}: ${limit.points}/${limit.per} is not a positive whole number`);
    }
    this.provider = options.provider;
    this.slots = keys.map((key) => ({ key, id: keyId(key), masked: maskKey(key), retired: false, restUntil: 0, windows: new Map() }));
    this.byKey = new Map(this.slots.map((slot) => [slot.key, slot]));
    this.ids = this.slots.map((slot) => slot.id);

    const prefix = `${options.prefix ?? DEFAULT_PREFIX}:${options.provider}`;
    const store: SharedStore | undefined = options.redis && sharedStore(options.redis, options.connectWaitMs ?? 1_000, options.onStoreDown, options.onStoreUp);
    this.windows = shortestFirst(options.limits).map((limit) => new WindowCounter(limit, prefix, store));
    this.rests = store && new RestStore(store, prefix);
    this.smallestWindow = [...options.limits].sort((a, b) => a.points - b.points)[0];
  }

  async acquire(cost = 1): Promise<string> {
    const points = Math.max(1, Math.ceil(cost));
    if (this.slots.every((slot) => slot.retired)) {
      throw new ProviderError(ProviderFailureKind.UNAUTHORIZED, this.provider, `${this.provider}: every API key was refused as bad; none is left to call with`, {
        scope: 'key',
      });
    }
    if (this.smallestWindow && points > this.smallestWindow.points) {
      // No wait would ever make it fit: the plan cannot serve this call, as the provider would say.
      const { points: limit, per } = this.smallestWindow;
      throw new ProviderError(ProviderFailureKind.UNAUTHORIZED, this.provider, `${this.provider}: a call costing ${points} exceeds the plan's ${limit}/${per}`, {
        scope: 'plan',
      });
    }
    await this.syncRests();

    const start = this.cursor;
    this.cursor = (this.cursor + 1) % this.slots.length;
    let soonest = Number.POSITIVE_INFINITY;
    for (let step = 0; step < this.slots.length; step += 1) {
      const slot = this.slots[(start + step) % this.slots.length] as Slot;
      if (slot.retired) continue;
      const waitMs = this.waitFor(slot, points);
      if (waitMs > 0) {
        soonest = Math.min(soonest, waitMs);
        continue;
      }
      const granted = await this.spend(slot, points);
      // Retired or rested while the spend was in flight: the points are lost, the key is not used.
      if (granted && !slot.retired && slot.restUntil <= Date.now()) return slot.key;
      if (!slot.retired) soonest = Math.min(soonest, Math.max(1, this.waitFor(slot, points)));
    }
    const retryAfterMs = Number.isFinite(soonest) ? Math.max(1, Math.ceil(soonest)) : DEFAULT_REST_MS;
    throw new ProviderError(
      ProviderFailureKind.RATE_LIMITED,
      this.provider,
      `${this.provider}: every API key is at its quota or resting; the next one frees in ${Math.ceil(retryAfterMs / 1000)} s`,
      { retryAfterMs },
    );
  }

  report(key: string, outcome: 'ok' | ProviderError): void {
    if (outcome === 'ok') return;
    const slot = this.byKey.get(key);
    if (!slot || slot.retired) return;
    if (outcome.kind === ProviderFailureKind.RATE_LIMITED) {
      this.rest(slot, outcome.options.retryAfterMs ?? this.nextReset(slot) ?? this.options.defaultRestMs ?? DEFAULT_REST_MS);
    } else if (outcome.kind === ProviderFailureKind.UNAUTHORIZED && outcome.options.scope === 'key') {
      slot.retired = true;
      this.options.onKeyRetired?.({ provider: this.provider, key: slot.masked, reason: outcome.message });
    }
  }

  /**
   * Whether some key could take a call of one point now, from what this instance already knows:
   * not retired, not resting, and not spent in a window as last seen (a consume elsewhere may
   * have spent more; `acquire` is the authority). Synchronous and without any store round trip,
   * for routing on the hot path; rests set by other instances count once an acquire or snapshot
   * has read them.
   */
  usableNow(): boolean {
    for (const slot of this.slots) {
      if (!slot.retired && this.waitFor(slot, 1) <= 0) return true;
    }
    return false;
  }

  /** Every key, masked, with its state and what is left of each window. */
  async snapshot(): Promise<KeyQuotaSnapshot[]> {
    await this.syncRests();
    const now = Date.now();
    const limits: Partial<Record<QuotaWindow, number>> = {};
    for (const window of this.windows) limits[window.limit.per] = window.limit.points;
    return Promise.all(
      this.slots.map(async (slot): Promise<KeyQuotaSnapshot> => {
        if (slot.retired) return { key: slot.masked, state: 'RETIRED', remaining: null, limits };
        const remaining: Partial<Record<QuotaWindow, number>> = {};
        for (const window of this.windows) remaining[window.limit.per] = await window.remaining(slot.id);
        return { key: slot.masked, state: slot.restUntil > now ? 'RESTING' : 'ACTIVE', remaining, limits };
      }),
    );
  }

  /** Nothing of its own to close: the Redis link is shared and closed by the stores stage, after every part. */
  async close(): Promise<void> {}

  /**
   * Takes `points` from every window of the key, shortest first, and stops at the first refusal.
   * Points a shorter window gave before a longer one refused are not handed back: the key is
   * blocked by the longer window meanwhile (and a hand-back landing after a reset would open the
   * next window one call over quota).
   */
  private async spend(slot: Slot, points: number): Promise<boolean> {
    for (const window of this.windows) {
      const consumed = await window.consume(slot.id, points);
      slot.windows.set(window.limit.per, { resetAt: consumed.resetAt, fits: consumed.fits });
      if (!consumed.granted) return false;
    }
    return true;
  }

  /** How long before the key could take a call of `points`: its rest, or the latest reset of a window it no longer fits in. */
  private waitFor(slot: Slot, points: number): number {
    const now = Date.now();
    let waitMs = slot.restUntil - now;
    for (const { resetAt, fits } of slot.windows.values()) {
      if (resetAt > now && points > fits) waitMs = Math.max(waitMs, resetAt - now);
    }
    return waitMs;
  }

  private rest(slot: Slot, ms: number): void {
    const restMs = Math.min(MAX_REST_MS, Math.max(1, Math.ceil(ms)));
    slot.restUntil = Math.max(slot.restUntil, Date.now() + restMs);
    this.rests?.rest(slot.id, restMs);
  }

  /** The soonest reset of a window of a minute or more: a 429 without Retry-After most likely means one of those ran out. */
  private nextReset(slot: Slot): number | undefined {
    const now = Date.now();
    const waits = [...slot.windows]
      .filter(([window, { resetAt }]) => WINDOW_SECONDS[window] >= 60 && resetAt > now)
      .map(([, { resetAt }]) => resetAt - now);
    return waits.length > 0 ? Math.min(...waits) : undefined;
  }

  /** Rests set by other instances, read from Redis (one round trip for all keys, shared by concurrent callers). */
  private async syncRests(): Promise<void> {
    if (!this.rests) return;
    const resting = await this.rests.remaining(this.ids);
    const now = Date.now();
    for (const slot of this.slots) {
      const ms = resting.get(slot.id);
      if (ms !== undefined) slot.restUntil = Math.max(slot.restUntil, now + ms);
    }
  }
}

/** A key's name in Redis: enough of its hash to tell keys apart, nothing that gives the key away. */
export function keyId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
