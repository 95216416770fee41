import type { RedisLink } from '../stores/redis-link.js';
import { LeasedWindow } from './leased-window.js';
import { LocalWindows } from './local-window.js';
import { WindowCounter, sharedStore, type Consumed, type SharedStore } from './window-counter.js';

/** Who is charged: the consumer's id, and the profile whose budgets apply. */
export interface ThrottledConsumer {
  readonly id: string;
  readonly profile: string;
  /** No credentials: every such caller has the same id, so each is counted by its address. */
  readonly anonymous?: boolean;
  readonly clientAddress?: string;
}

/**
 * The budget a consumer spends. Callers without credentials are counted per client address, so
 * one busy anonymous client cannot spend the budget of every other one; with no address known
 * (a call outside any request) they share the `anonymous` budget.
 */
export function budgetHolder(consumer: ThrottledConsumer): string {
  return consumer.anonymous && consumer.clientAddress ? `${consumer.id}@${consumer.clientAddress}` : consumer.id;
}

/** What a consume of one request point answers, as the server tells it (RateLimit fields, Retry-After). */
function admission(request: Consumed, limit: number, now: number): Admission {
  if (!request.granted) return { admitted: false, budget: 'requests', limit, retryAfterMs: untilReset(request.resetAt, now, 1) };
  return { admitted: true, requests: { limit, remaining: Math.max(0, request.fits), resetAfterMs: untilReset(request.resetAt, now, 0) } };
}

/** A profile's budgets per minute (config/limits.ts). */
export interface ThrottleBudgets {
  readonly requestsPerMinute: number;
  readonly providerCallsPerMinute: number;
}

/** The consumer's request window after an admitted request (what RateLimit-* headers tell the client). */
export interface RequestWindow {
  readonly limit: number;
  readonly remaining: number;
  readonly resetAfterMs: number;
}

export type Admission =
  | { readonly admitted: true; readonly requests: RequestWindow }
  /** `budget` names the window that is spent; `retryAfterMs`, when it resets. */
  | { readonly admitted: false; readonly budget: 'requests'; readonly limit: number; readonly retryAfterMs: number };

/** Whether a consumer may make one more provider call now; when not, its limit and when the window resets. */
export type CallAdmission = { readonly allowed: true } | { readonly allowed: false; readonly limit: number; readonly retryAfterMs: number };

export interface ConsumerThrottleOptions {
  readonly budgets: (profile: string) => ThrottleBudgets;
  /**
   * Shared by every gateway instance, so a consumer has one budget however its requests spread.
   * The instance's link: the throttle only uses it, its owner closes it.
   */
  readonly redis?: RedisLink;
  /** Namespace of the Redis keys (default `mg:throttle`); tests use their own. */
  readonly prefix?: string;
  readonly connectWaitMs?: number;
  readonly onStoreDown?: (error: unknown) => void;
  readonly onStoreUp?: () => void;
}

type Budget = 'requests' | 'providerCalls';

const MINUTE_MS = 60_000;

/**
 * Time left in a one-minute window, within [least, 1 min]: the counter reads its clock a moment
 * after `now`, so a window that just opened would otherwise read as slightly over a minute.
 */
function untilReset(resetAt: number, now: number, least: number): number {
  return Math.min(MINUTE_MS, Math.max(least, resetAt - now));
}

/**
 * Per-consumer budgets per minute, by profile: GraphQL operations, and provider calls made while
 * resolving them. Counted like provider quotas (WindowCounter: rate-limiter-flexible in Redis when
 * there is one, the in-process counter whenever Redis is down or slow, so no request ever fails
 * because Redis does), under `mg:throttle:<budget>:<profile>:<budget holder>:minute`: the profile is
 * part of the key, so a profile's new number starts a fresh count.
 *
 * `admit` is asked once per operation before it runs and spends one request; with Redis, request
 * points are taken a chunk at a time and spent in process (leased-window.ts), which may refuse a
 * consumer a little early but never admits more than its budget. Provider calls are
 * checked where one would be made (`providerCallAllowed`, asked by the market service for a cache
 * miss, never for a hit: a spent budget refuses the fields that need a provider, not the request)
 * and charged as they happen (`chargeProviderCall`), since only then is it known that a call was
 * made (a joined in-flight call costs none): an operation may overshoot by the calls it starts
 * at once, which its cost budget bounds.
 */
export class ConsumerThrottle {
  private readonly counters = new Map<string, WindowCounter>();
  private readonly leased = new WeakMap<WindowCounter, LeasedWindow>();
  /** Without Redis: each profile's request windows, counted in process (a new budget starts a fresh count, as a new key does in Redis). */
  private readonly local = new Map<string, { readonly points: number; readonly windows: LocalWindows }>();
  private readonly store: SharedStore | undefined;
  private readonly prefix: string;

  constructor(private readonly options: ConsumerThrottleOptions) {
    this.prefix = options.prefix ?? 'mg:throttle';
    this.store = options.redis && sharedStore(options.redis, options.connectWaitMs ?? 1_000, options.onStoreDown, options.onStoreUp);
  }

  /**
   * Spends one request of `consumer`'s budget. Answers at once, without a promise, when the count
   * is at hand (in process, or a lease with points left): the hot path of cached reads.
   */
  admit(consumer: ThrottledConsumer): Admission | Promise<Admission> {
    const budgets = this.options.budgets(consumer.profile);
    const now = Date.now();
    const consumed = this.requestWindow(consumer.profile, budgets.requestsPerMinute).consume(budgetHolder(consumer));
    const limit = budgets.requestsPerMinute;
    return consumed instanceof Promise ? consumed.then((request) => admission(request, limit, now)) : admission(consumed, limit, now);
  }

  /**
   * Whether `consumer` has a provider call left in this minute. Zero points: reads the window (and
   * its reset) without spending it; the call, if made, is charged by `chargeProviderCall`.
   */
  async providerCallAllowed(consumer: ThrottledConsumer): Promise<CallAdmission> {
    const budgets = this.options.budgets(consumer.profile);
    const now = Date.now();
    const calls = await this.counter('providerCalls', consumer.profile, budgets.providerCallsPerMinute).consume(budgetHolder(consumer), 0);
    if (calls.granted && calls.fits >= 1) return { allowed: true };
    return { allowed: false, limit: budgets.providerCallsPerMinute, retryAfterMs: untilReset(calls.resetAt, now, 1) };
  }

  /** One provider call made for `consumer`; never throws, never makes the caller wait. */
  chargeProviderCall(consumer: ThrottledConsumer): void {
    const budgets = this.options.budgets(consumer.profile);
    this.counter('providerCalls', consumer.profile, budgets.providerCallsPerMinute)
      .consume(budgetHolder(consumer), 1)
      .catch(() => undefined);
  }

  /** Nothing of its own to close: the Redis link is shared and closed by the stores stage, after every part. */
  async close(): Promise<void> {}

  /**
   * The request budget: with Redis, taken a chunk at a time (leased-window.ts: never more than the
   * budget cluster-wide, possibly a little less); in process, counted one by one.
   */
  private requestWindow(profile: string, perMinute: number): { consume(id: string): Consumed | Promise<Consumed> } {
    if (!this.store) {
      let local = this.local.get(profile);
      if (local?.points !== perMinute) this.local.set(profile, (local = { points: perMinute, windows: new LocalWindows(perMinute, MINUTE_MS) }));
      const windows = local.windows;
      return { consume: (id) => windows.consume(id, 1) };
    }
    const counter = this.counter('requests', profile, perMinute);
    let leased = this.leased.get(counter);
    if (!leased) this.leased.set(counter, (leased = new LeasedWindow(counter)));
    return leased;
  }

  private counter(budget: Budget, profile: string, perMinute: number): WindowCounter {
    const name = `${budget}:${profile}`;
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new WindowCounter({ points: perMinute, per: 'minute' }, `${this.prefix}:${name}`, this.store);
      this.counters.set(name, counter);
    }
    return counter;
  }
}
