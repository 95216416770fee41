import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { WINDOW_SECONDS, type QuotaLimit } from './quota-limits.js';
import type { RedisCommands, RedisLink } from '../stores/redis-link.js';
import type { RedisReadiness } from '../stores/redis-readiness.js';
import { RedisScript } from '../stores/redis-script.js';
import { StoreHealth } from '../stores/store-health.js';

/**
 * The shared store of every window of a part: the link's command client (shared with every other
 * part; never closed here), its readiness and the part's own health.
 */
export interface SharedStore {
  readonly client: RedisCommands;
  readonly readiness: RedisReadiness;
  readonly health: StoreHealth;
}

/** A part's view of the instance's link: its readiness gate and a health of its own (so each part tells its outage once). */
export function sharedStore(
  link: RedisLink,
  connectWaitMs: number,
  onStoreDown?: (error: unknown) => void,
  onStoreUp?: () => void,
): SharedStore {
  return { client: link.commands, readiness: link.readiness(connectWaitMs), health: new StoreHealth(onStoreDown, onStoreUp) };
}

/** Whether the shared store can be asked now; a Redis that is not connected counts as down. */
export async function sharedReady(store: SharedStore): Promise<boolean> {
  if (await store.readiness.ready()) return true;
  store.health.down(new Error(`Redis connection is ${store.readiness.state}`));
  return false;
}

/**
 * A refused consume of several points is undone, so a smaller call may still fit; not this close
 * to the window's reset, where the undo could land in the next window and open it below zero.
 */
const UNDO_MARGIN_MS = 1_000;

/**
 * A mirrored count this close to its window's end is not carried up: the window it counted is
 * ending (or has ended: the in-process store answers an expired entry until its timer fires, which
 * a loaded event loop delays), and Redis's answer is then for the next window. Carrying it would
 * open the next window already spent. The margin covers the lag between Redis's answer and the
 * mirror's timer starting.
 */
const CARRY_MARGIN_MS = 2_000;

/** KEYS[1] the window's key; ARGV[1] the count to reach; ARGV[2] the window's length (s) if the key is new. */
const RAISE_TO_SCRIPT = new RedisScript(`
local count = tonumber(redis.call('get', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if count < wanted then
  redis.call('incrby', KEYS[1], wanted - count)
  count = wanted
end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2]) * 1000
end
return { count, ttl }
`);

/**
 * What a consume learnt of the window besides its answer: until `resetAt`, no call costing more
 * than `fits` can pass. Other instances can only spend more, never give back, so it holds across
 * instances too and lets a pool skip a spent key without asking the store again.
 */
export interface Consumed {
  readonly granted: boolean;
  readonly resetAt: number;
  readonly fits: number;
}

/**
 * One window of one provider's quota ("60/min"), counting every key of the provider by its id.
 * A consume is one atomic increment-and-compare in the store (a Lua script in Redis, a synchronous
 * map update in memory), so concurrent consumes can never together pass the limit: the consume is
 * the reservation. A refused single point still counts (the window is spent until its reset
 * either way); a refused call of several points is given back (see UNDO_MARGIN_MS). With a shared
 * store, Redis counts for every gateway instance; when Redis is not ready or fails, the in-process
 * counter takes over for that call, and the outage is told once.
 */
export class WindowCounter {
  private readonly memory: RateLimiterMemory;
  private readonly shared: RateLimiterRedis | undefined;

  constructor(
    readonly limit: QuotaLimit,
    private readonly keyPrefix: string,
    private readonly store?: SharedStore,
  ) {
    const options = { keyPrefix, points: limit.points, duration: WINDOW_SECONDS[limit.per] };
    this.memory = new RateLimiterMemory(options);
    this.shared = store
      ? new RateLimiterRedis({
          ...options,
          storeClient: store.client,
          // node-redis's API (eval with { keys, arguments }, pTTL); the library can only guess it
          // from the client's class name, which a node-redis v5 client does not match.
          useRedisPackage: true,
          // Never queue behind a Redis that is not there: fall back at once.
          rejectIfRedisNotReady: true,
        })
      : undefined;
  }

  async consume(id: string, cost: number): Promise<Consumed> {
    const now = Date.now();
    if (this.shared && this.store && (await sharedReady(this.store))) {
      // What this instance last knew of the window (Redis's count, mirrored, plus what it counted
      // alone while Redis was away): carried up if Redis has less (see carry).
      const mirrored = await this.memory.get(this.entry(id));
      const known = mirrored && mirrored.msBeforeNext > CARRY_MARGIN_MS ? mirrored.consumedPoints : 0;
      try {
        const res = await this.carry(id, known + cost, await this.shared.consume(this.entry(id), cost));
        this.store.health.up();
        if (res.consumedPoints > this.limit.points) return { granted: false, resetAt: now + this.msOf(res), fits: 0 };
        return { granted: true, resetAt: now + this.msOf(res), fits: res.remainingPoints };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          this.store.health.up();
          return this.refused(this.shared, id, cost, error, now);
        }
        this.store.health.down(error);
      }
    }
    try {
      const res = await this.memory.consume(this.entry(id), cost);
      return { granted: true, resetAt: now + this.msOf(res), fits: res.remainingPoints };
    } catch (error) {
      if (error instanceof RateLimiterRes) return this.refused(this.memory, id, cost, error, now);
      throw error;
    }
  }

  /**
   * Budgets survive a switch of store both ways. Every answer of Redis is mirrored into the
   * in-process counter, with Redis's window end, so while Redis is away counting goes on from
   * what the cluster had spent, not from zero. When Redis answers again with less than this
   * instance knows (it restarted empty, or missed the calls made while it was away), it is raised
   * to that count (raiseTo), so the window goes on from the larger of the two counts.
   *
   * Worst case, documented in the README: while Redis is down each of N instances counts alone,
   * so a consumer may spend up to N times its budget in that window (at most once more than it
   * had left on each instance); after Redis comes back empty, every instance carries its own
   * count up, and the window goes on from the largest of them.
   */
  private async carry(id: string, known: number, res: RateLimiterRes): Promise<RateLimiterRes> {
    if (res.consumedPoints >= known) {
      this.mirror(id, res);
      return res;
    }
    const raised = await this.raiseTo(id, known).catch(() => undefined);
    const counted = raised ?? new RateLimiterRes(Math.max(0, this.limit.points - known), res.msBeforeNext, known);
    this.mirror(id, counted);
    return counted;
  }

  /**
   * Sets Redis's count to at least `known`, keeping its window: a maximum, not an increment, so
   * the many consumes of one burst that all read the same stale mirror carry it up once between
   * them. (An increment each, as `penalty` does, added the difference once per concurrent call:
   * 200 requests after a window turned over carried ~180,000 points and refused a 60,000/min
   * budget for a whole minute.) The consumes of that burst fold into `known`, an undercount of at
   * most one burst, once, after an outage.
   */
  private async raiseTo(id: string, known: number): Promise<RateLimiterRes> {
    const key = `${this.keyPrefix}:${this.entry(id)}`;
    const reply = await RAISE_TO_SCRIPT.run(this.store!.client, [key], [known, WINDOW_SECONDS[this.limit.per]]);
    // Lua numbers come back as integers; anything else is a store that failed us (caught by carry).
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') throw new Error(`unexpected reply to raiseTo: ${JSON.stringify(reply)}`);
    const [count, ttlMs] = reply as [number, number];
    return new RateLimiterRes(Math.max(0, this.limit.points - count), ttlMs, count);
  }

  private mirror(id: string, res: RateLimiterRes): void {
    void this.memory.set(this.entry(id), res.consumedPoints, this.msOf(res) / 1000);
  }

  /** Points left in the current window; the counter that would answer a consume now is the one read. */
  async remaining(id: string): Promise<number> {
    if (this.shared && this.store && (await sharedReady(this.store))) {
      try {
        return this.left(await this.shared.get(this.entry(id)));
      } catch (error) {
        this.store.health.down(error);
      }
    }
    return this.left(await this.memory.get(this.entry(id)));
  }

  /** `<id>:<window>` under the limiter's prefix: `mg:quota:<provider>:<id>:minute` in Redis. */
  private entry(id: string): string {
    return `${id}:${this.limit.per}`;
  }

  private left(res: RateLimiterRes | null): number {
    return res === null ? this.limit.points : Math.max(0, this.limit.points - res.consumedPoints);
  }

  /** A store without a TTL on the entry answers -1; the window's length is the safe reading. */
  private msOf(res: RateLimiterRes): number {
    return res.msBeforeNext > 0 ? res.msBeforeNext : WINDOW_SECONDS[this.limit.per] * 1000;
  }

  /**
   * A refusal from Redis is mirrored with what Redis holds after it: the count given back by the
   * undo, not the refused one, or the next consume would carry the undone points up again.
   */
  private async refused(limiter: RateLimiterMemory | RateLimiterRedis, id: string, cost: number, res: RateLimiterRes, now: number): Promise<Consumed> {
    const resetAt = now + this.msOf(res);
    const shared = limiter === this.shared;
    if (cost > 1 && resetAt - Date.now() > UNDO_MARGIN_MS) {
      const undone = await limiter.reward(this.entry(id), cost).then(
        (after) => after,
        // Failing to give back only leaves the window stricter than it need be.
        () => undefined,
      );
      if (undone) {
        if (shared) this.mirror(id, undone);
        return { granted: false, resetAt, fits: Math.max(0, this.limit.points - (res.consumedPoints - cost)) };
      }
    }
    if (shared) this.mirror(id, res);
    return { granted: false, resetAt, fits: 0 };
  }
}
