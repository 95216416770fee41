import KeyvRedis from '@keyv/redis';
import type { RedisCommands, RedisLink } from '../../stores/redis-link.js';

export interface RedisTierOptions {
  /** The instance's Redis link: L2 rides its command connection. */
  readonly link: RedisLink;
  /** Longest any one L2 call may take before it counts as a failure and the caller moves on. */
  readonly timeoutMs: number;
  /** How long start-up waits for Redis before going on with L1 only (it keeps trying afterwards). */
  readonly connectWaitMs?: number;
  /** After a failed or timed-out call, how long L2 is left alone before it is tried again. */
  readonly pauseMs?: number;
  /** Told once when L2 becomes unusable, and once when it is back. */
  readonly onDown?: (error: unknown) => void;
  readonly onUp?: () => void;
}

export type TierState = 'up' | 'down';

const DEFAULT_CONNECT_WAIT_MS = 1_000;
const DEFAULT_PAUSE_MS = 1_000;
const COUNT_EVERY_MS = 10_000;
const FIRST_COUNT_WAIT_MS = 1_000;

/**
 * The shared L2 tier: keyv stores (@keyv/redis) for every namespace kept there, on the
 * instance's one Redis command connection. A cache failure is a slower answer, never a failed request, so every call is
 * bounded by `timeoutMs`, failures resolve to "nothing there", and while Redis is known down
 * (not connected, or a call failed in the last `pauseMs`) no call is tried at all: an outage
 * costs a request nothing but the L1-only answer. The link reconnects on its own, with
 * backoff, for as long as the gateway runs.
 */
export class RedisTier {
  /** The link's command connection, with this tier's own command deadline. */
  private readonly client: RedisCommands;
  private pausedUntil = 0;
  /** What was last told of Redis: nothing yet, up, or down. */
  private known: 'unknown' | TierState = 'unknown';
  private closed = false;
  private readonly pauseMs: number;
  /** Per SCAN pattern: the last count, when it finished, and the count running now. */
  private readonly counted = new Map<string, { value: number | undefined; at: number; running: Promise<void> | undefined }>();

  private constructor(private readonly options: RedisTierOptions) {
    this.pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
    this.client = options.link.commands.withCommandOptions({ timeout: options.timeoutMs }) as RedisCommands;
    // Outages are told once each way (below).
    options.link.commands.on('error', this.onError);
    options.link.commands.on('ready', this.onReady);
  }

  private readonly onError = (error: unknown): void => this.markDown(error);
  private readonly onReady = (): void => this.markUp();

  /**
   * Connects, waiting at most `connectWaitMs`: a Redis that is down at start-up leaves the tier
   * down (L1 only) while the client keeps trying in the background.
   */
  static async connect(options: RedisTierOptions): Promise<RedisTier> {
    const tier = new RedisTier(options);
    const waitMs = options.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS;
    const ready = await options.link.readiness(waitMs).ready();
    if (!ready) tier.markDown(new Error(`Redis at ${options.link.target} did not answer within ${waitMs} ms`));
    else tier.markUp();
    return tier;
  }

  /** Whether L2 is worth asking now. */
  get available(): boolean {
    return this.client.isReady && !this.closed && performance.now() >= this.pausedUntil;
  }

  get state(): TierState {
    return this.available ? 'up' : 'down';
  }

  /** A keyv store on this connection whose keys all start with `namespace::`. */
  namespace(namespace: string): RedisNamespace {
    const store = new KeyvRedis<string>(this.client, { namespace, throwOnErrors: true, throwOnConnectError: true });
    // The tier tells outages; the adapter's own error events would repeat them.
    store.on('error', () => undefined);
    return new RedisNamespace(this, store, namespace);
  }

  /** Runs one L2 call within the timeout; `fallback` when L2 is down, slow or failing. */
  async guard<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.available) return fallback;
    let timer: NodeJS.Timeout | undefined;
    const work = call();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis gave no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([work, timeout]);
      this.markUp();
      return result;
    } catch (error) {
      // A late failure of the call abandoned here must not surface as an unhandled rejection.
      work.catch(() => undefined);
      this.pause(error);
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Keys under a prefix, counted by SCAN at most every 10 s (a large keyspace takes many round
   * trips, so a scrape reads the last count rather than waiting for a new one, except for the
   * first, up to a second); undefined while L2 is down or before any count finished. A slow or
   * failed count is no outage: requests are what tell whether Redis is there.
   */
  async count(match: string): Promise<number | undefined> {
    if (!this.available) return undefined;
    const counted = this.counted.get(match) ?? { value: undefined, at: -Infinity, running: undefined };
    this.counted.set(match, counted);
    if (counted.running === undefined && performance.now() - counted.at >= COUNT_EVERY_MS) {
      counted.running = this.scan(match)
        .then(
          (value) => {
            counted.value = value;
            counted.at = performance.now();
          },
          () => undefined,
        )
        .finally(() => (counted.running = undefined));
    }
    if (counted.value === undefined && counted.running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([counted.running, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_COUNT_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return counted.value;
  }

  private async scan(match: string): Promise<number> {
    let total = 0;
    for await (const keys of this.client.scanIterator({ MATCH: match, COUNT: 1_000 })) total += keys.length;
    return total;
  }

  /** Stops using the link; the link itself is closed by its owner, the stores stage. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.options.link.commands.off('error', this.onError);
    this.options.link.commands.off('ready', this.onReady);
  }

  private pause(error: unknown): void {
    this.pausedUntil = performance.now() + this.pauseMs;
    this.markDown(error);
  }

  private markDown(error: unknown): void {
    if (this.known === 'down') return;
    this.known = 'down';
    if (!this.closed) this.options.onDown?.(error);
  }

  private markUp(): void {
    if (this.known === 'up') return;
    // Coming back from an outage that was told: say so once. The first connect is no news.
    const wasDown = this.known === 'down';
    this.known = 'up';
    if (wasDown && !this.closed) this.options.onUp?.();
  }
}

/** One namespace of the L2 tier, every call guarded by the tier. */
export class RedisNamespace {
  constructor(
    private readonly tier: RedisTier,
    private readonly store: KeyvRedis<string>,
    readonly name: string,
  ) {}

  get available(): boolean {
    return this.tier.available;
  }

  /** Values in order; `undefined` where missing, and for every key while L2 is unavailable. */
  getMany(keys: readonly string[]): Promise<ReadonlyArray<string | undefined>> {
    const none = keys.map(() => undefined);
    return this.tier.guard(() => this.store.getMany<string>([...keys]), none);
  }

  get(key: string): Promise<string | undefined> {
    return this.tier.guard(() => this.store.get<string>(key), undefined);
  }

  /** Answers whether the write reached Redis. */
  set(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.tier.guard(async () => {
      await this.store.set(key, value, ttlMs > 0 ? Math.ceil(ttlMs) : undefined);
      return true;
    }, false);
  }

  delete(key: string): Promise<boolean> {
    return this.tier.guard(() => this.store.delete(key), false);
  }

  clear(): Promise<void> {
    return this.tier.guard(() => this.store.clear(), undefined);
  }

  /** Entries held under this namespace, or undefined while L2 is unavailable. */
  count(): Promise<number | undefined> {
    return this.tier.count(`${escapeGlob(this.name)}::*`);
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (match) => `\\${match}`);
}
