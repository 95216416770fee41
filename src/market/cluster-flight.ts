import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisReadiness } from '../resilience/redis-readiness.js';
import { StoreHealth } from '../resilience/store-health.js';

/**
 * How a flight's outcome travels between instances: the lock holder encodes it, every waiter
 * decodes it. `encode` may answer `undefined` when there is nothing to share (waiters then claim
 * the key themselves); `decode` answers `undefined` for a payload it cannot use (waiters then
 * fetch on their own), so a bad entry costs an upstream call, never a wrong answer.
 */
export interface OutcomeCodec<T> {
  encode(outcome: T): string | undefined;
  decode(payload: string, key: string): T | undefined | Promise<T | undefined>;
}

/** What a batch of keys' owner does: one call for every key it claimed, one outcome per key. */
export type FlightWork<T> = (keys: readonly string[]) => Promise<ReadonlyMap<string, T>>;

export interface ClusterFlightOptions {
  /** Commands (claim, settle, check). */
  readonly redis: Redis;
  /** A connection of its own: a subscribed client takes no other commands. */
  readonly subscriber: Redis;
  /** Whether `close()` disconnects both clients (they were made for this flight). */
  readonly ownsRedis?: boolean;
  /** Namespace of every key and of the channel (default `mg:flight`). */
  readonly prefix?: string;
  /**
   * How long a claim holds before others may take over: longer than the work's own budget (the
   * chain budget), so a live holder is never overtaken, and short, so a holder that died blocks
   * its waiters no longer than this.
   */
  readonly leaseMs: number;
  /**
   * How long a settled outcome is kept for its waiters to read: long enough for a waiter whose
   * event loop is busy to be late. Default: the lease.
   */
  readonly keepMs?: number;
  /**
   * Per scope (kind of data), how long after a flight settled a new claim takes its outcome
   * instead of fetching again (a miss that came just after the flight, on an instance that did
   * not wait for it): no longer than the data stays fresh in the cache. At most `keepMs`;
   * default 1 s for every scope.
   */
  readonly reuseMs?: number | ((scope: string) => number);
  /** Longest a waiter waits for others before it fetches on its own. Default twice the lease. */
  readonly maxWaitMs?: number;
  /** How long the first use waits for Redis to connect (default 1 s); later uses never wait. */
  readonly connectWaitMs?: number;
  /** Told once when Redis stops answering (flights are then coalesced per process), once when it is back. */
  readonly onStoreDown?: (error: unknown) => void;
  readonly onStoreUp?: () => void;
}

const DEFAULT_PREFIX = 'mg:flight';
const DEFAULT_REUSE_MS = 1_000;
/** Waking this long after a lease runs out leaves Redis the time to have expired it. */
const LEASE_MARGIN_MS = 20;
/** How long a flight's Redis command may take before the flight goes on without Redis. */
const COMMAND_DEADLINE_MS = 500;
/** After a failed or late command, Redis is left alone this long: every miss is fetched at once, alone. */
const PAUSE_MS = 1_000;
/** The clients' own timeout, a backstop behind the deadline (which is what callers wait for). */
const CLIENT_COMMAND_TIMEOUT_MS = 5_000;
/** Rounds of claiming keys whose holder vanished before a caller gives up on the cluster. */
const MAX_ROUNDS = 3;

/**
 * Per key (KEYS: lock, result pairs; ARGV: token, lease, keep, reuse): an outcome kept less than
 * `reuse` ago, so a key claimed just after its flight settled takes it instead of fetching again;
 * else the lock if it is free, dropping any older outcome (so an outcome a waiter finds is always
 * of the flight it waits for, or a later one); else how long the holder's lease has left.
 */
const CLAIM_LUA = `local out = {}
for i = 1, #KEYS, 2 do
  local left = redis.call('PTTL', KEYS[i + 1])
  if left > 0 and tonumber(ARGV[3]) - left < tonumber(ARGV[4]) then out[#out + 1] = {'done', redis.call('GET', KEYS[i + 1])}
  elseif redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    redis.call('DEL', KEYS[i + 1])
    out[#out + 1] = {'owned', ''}
  else out[#out + 1] = {'held', tostring(redis.call('PTTL', KEYS[i]))} end
end
return out`;

/**
 * KEYS: lock, result; ARGV: token, payload ('' = none), result ttl, channel, flight id. The
 * outcome is kept before the wake-up is published, so a woken waiter always finds it; the lock
 * is deleted only by the token that took it, so a holder whose lease ran out never frees the
 * lock of the one who took over.
 */
const SETTLE_LUA = `if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

/**
 * KEYS: locks; ARGV: token, lease. A holder still at work extends its own locks, so a holder
 * slowed down (a busy event loop, a slow provider within the chain budget) is not overtaken; one
 * that died stops extending, and its locks run out a lease after its last sign of life.
 */
const RENEW_LUA = `for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 1`;

interface FlightCommands {
  mgFlightRenew(numberOfKeys: number, ...args: Array<string | number>): Promise<number>;
  mgFlightClaim(numberOfKeys: number, ...args: Array<string | number>): Promise<Array<[string, string]>>;
  mgFlightSettle(lock: string, result: string, token: string, payload: string, ttlMs: number, channel: string, id: string): Promise<number>;
}

/** What waiting for another holder came to. */
type Waited = { readonly payload: string } | 'free' | 'alone';

/**
 * Single-flight across instances through Redis: per key, one instance claims a short lock
 * (`SET NX PX`), does the work, keeps the outcome for a moment and publishes that it is done;
 * the others wait for that message (or the lease running out, if the holder died) and take the
 * kept outcome. Redis being away is never a reason for a call to fail or wait: every key is
 * then worked on by this instance alone (the in-process single-flight still coalesces it).
 */
export class ClusterFlight {
  private readonly redis: Redis & FlightCommands;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly keepMs: number;
  private readonly reuseMs: (scope: string) => number;
  private readonly maxWaitMs: number;
  private readonly readiness: RedisReadiness;
  private readonly subscriberReadiness: RedisReadiness;
  private readonly health: StoreHealth;
  /** Local waiters by flight id, woken by the channel's messages. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private listening = false;
  /** Until when Redis is left alone after a failure (performance.now() time). */
  private pausedUntil = 0;
  private subscribing: Promise<boolean> | undefined;
  private closed = false;

  constructor(private readonly options: ClusterFlightOptions) {
    this.redis = options.redis as Redis & FlightCommands;
    this.redis.defineCommand('mgFlightClaim', { lua: CLAIM_LUA });
    this.redis.defineCommand('mgFlightSettle', { lua: SETTLE_LUA, numberOfKeys: 2 });
    this.redis.defineCommand('mgFlightRenew', { lua: RENEW_LUA });
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.channel = `${this.prefix}:done`;
    this.keepMs = options.keepMs ?? options.leaseMs;
    const reuse = options.reuseMs ?? DEFAULT_REUSE_MS;
    this.reuseMs = (scope) => Math.min(typeof reuse === 'number' ? reuse : reuse(scope), this.keepMs);
    this.maxWaitMs = options.maxWaitMs ?? 2 * options.leaseMs;
    const waitMs = options.connectWaitMs ?? 1_000;
    this.readiness = new RedisReadiness(options.redis, waitMs);
    this.subscriberReadiness = new RedisReadiness(options.subscriber, waitMs);
    this.health = new StoreHealth(options.onStoreDown, options.onStoreUp);
    options.subscriber.on('message', (channel: string, id: string) => {
      if (channel === this.channel) for (const wake of this.waiters.get(id) ?? []) wake();
    });
    // No message can come while the subscription is down: waiters check at once rather than at lease end.
    options.subscriber.on('close', () => this.wakeAll());
  }

  /** Connects and subscribes now rather than on the first miss; answers whether Redis is usable. */
  start(): Promise<boolean> {
    return this.usable();
  }

  /**
   * The outcome of every key, each worked on once in the cluster: keys this instance claims go
   * to `work` together, in one call; keys another instance holds are awaited and decoded. `scope`
   * namespaces the keys (a capability). `work` is asked only for keys it must answer.
   */
  async coalesce<T>(scope: string, keys: readonly string[], work: FlightWork<T>, codec: OutcomeCodec<T>): Promise<Map<string, T>> {
    const answers = new Map<string, T>();
    let pending = [...new Set(keys)];
    for (let round = 0; pending.length > 0; round += 1) {
      if (round >= MAX_ROUNDS || !(await this.usable())) {
        await this.runAlone(pending, work, answers);
        break;
      }
      const token = randomUUID();
      const claims = await this.claim(scope, pending, token);
      if (claims === undefined) {
        // The claim may have landed before its answer was lost (a timeout): work as its owner, so
        // settling frees any lock it took and wakes whoever waits on it, instead of leaving them a lease.
        await this.runOwned(scope, pending, token, work, codec, answers);
        break;
      }
      const owned: string[] = [];
      const alone: string[] = [];
      const again: string[] = [];
      const waits: Array<Promise<void>> = [];
      const take = async (key: string, payload: string): Promise<void> => {
        const outcome = await codec.decode(payload, key);
        if (outcome === undefined) alone.push(key);
        else answers.set(key, outcome);
      };
      pending.forEach((key, index) => {
        const [state, detail] = claims.entries[index] ?? ['held', '0'];
        if (state === 'owned') owned.push(key);
        else if (state === 'done') waits.push(take(key, detail));
        else {
          waits.push(
            this.wait(scope, key).then((waited) => {
              if (waited === 'free') again.push(key);
              else if (waited === 'alone') alone.push(key);
              else return take(key, waited.payload);
            }),
          );
        }
      });
      const ownedRun = owned.length > 0 ? this.runOwned(scope, owned, token, work, codec, answers) : undefined;
      // Every wait is seen out before an owner's failure is passed on, so none is left unhandled.
      const outcomes = await Promise.allSettled([ownedRun, ...waits]);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      if (alone.length > 0) await this.runAlone(alone, work, answers);
      pending = again;
    }
    return answers;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    if (!this.options.ownsRedis) return;
    for (const client of [this.options.redis, this.options.subscriber]) if (client.status !== 'end') client.disconnect();
  }

  /** A failed or late command: told once, and Redis left alone for a moment. */
  private fail(error: unknown): void {
    this.pausedUntil = performance.now() + PAUSE_MS;
    this.health.down(error);
  }

  private wakeAll(): void {
    for (const wakers of this.waiters.values()) for (const wake of wakers) wake();
  }

  /** Both connections ready and the channel subscribed; the first call waits for them a little. */
  private async usable(): Promise<boolean> {
    if (this.closed || performance.now() < this.pausedUntil) return false;
    const ready = (await this.readiness.ready()) && (this.listening ? this.options.subscriber.status === 'ready' : await this.subscribeOnce());
    if (!ready) this.health.down(new Error(`Redis is not ready (${this.options.redis.status}, subscriber ${this.options.subscriber.status})`));
    return ready;
  }

  private subscribeOnce(): Promise<boolean> {
    this.subscribing ??= this.subscribe().finally(() => (this.subscribing = undefined));
    return this.subscribing;
  }

  private async subscribe(): Promise<boolean> {
    if (!(await this.subscriberReadiness.ready())) return false;
    try {
      // ioredis subscribes again by itself after a reconnect.
      await this.options.subscriber.subscribe(this.channel);
      this.listening = true;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private async claim(scope: string, keys: readonly string[], token: string): Promise<{ entries: Array<[string, string]> } | undefined> {
    const names = keys.flatMap((key) => [this.lockKey(scope, key), this.resultKey(scope, key)]);
    try {
      const entries = await withDeadline(this.redis.mgFlightClaim(names.length, ...names, token, this.options.leaseMs, this.keepMs, this.reuseMs(scope)));
      this.health.up();
      return { entries };
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /**
   * The owner's part: one call of `work` for all its keys, then per key the outcome kept and the
   * waiters woken. Settling is awaited, so an answer given here is already visible to the cluster.
   * If the work throws, the locks are freed with no outcome, so waiters claim the keys themselves.
   */
  private async runOwned<T>(scope: string, keys: readonly string[], token: string, work: FlightWork<T>, codec: OutcomeCodec<T>, answers: Map<string, T>): Promise<void> {
    let results: ReadonlyMap<string, T>;
    const locks = keys.map((key) => this.lockKey(scope, key));
    // Renewed three times a lease while the work runs: a late beat or two still lands in time.
    const heartbeat = setInterval(() => {
      this.redis.mgFlightRenew(locks.length, ...locks, token, this.options.leaseMs).catch((error: unknown) => this.fail(error));
    }, Math.max(10, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    try {
      results = await work(keys);
    } catch (error) {
      await this.settle(scope, keys, token, () => '');
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    for (const key of keys) {
      const outcome = results.get(key);
      if (outcome !== undefined) answers.set(key, outcome);
    }
    const settling = this.settle(scope, keys, token, (key) => {
      const outcome = results.get(key);
      return (outcome === undefined ? undefined : codec.encode(outcome)) ?? '';
    });
    // A Redis known to be failing does not hold the answer up; the settle still goes out.
    if (performance.now() >= this.pausedUntil) await settling;
  }

  private async settle(scope: string, keys: readonly string[], token: string, payloadOf: (key: string) => string): Promise<void> {
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & { mgFlightSettle: FlightCommands['mgFlightSettle'] };
    for (const key of keys) {
      void pipeline.mgFlightSettle(this.lockKey(scope, key), this.resultKey(scope, key), token, payloadOf(key), this.keepMs, this.channel, this.flightId(scope, key));
    }
    try {
      const replies = (await withDeadline(pipeline.exec())) ?? [];
      const failed = replies.find(([error]) => error !== null);
      if (failed) throw failed[0];
      this.health.up();
    } catch (error) {
      // The locks run out on their own; waiters then claim the keys.
      this.fail(error);
    }
  }

  /**
   * Waits for another instance's flight: until its message, or its lease running out. Answers the
   * kept outcome; `free` when the key is unlocked with no outcome (the holder died or failed: claim
   * it); `alone` when Redis stopped answering or the wait ran too long (fetch without the cluster).
   */
  private async wait(scope: string, key: string): Promise<Waited> {
    const id = this.flightId(scope, key);
    const deadline = performance.now() + this.maxWaitMs;
    for (;;) {
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const wakers = this.waiters.get(id) ?? new Set<() => void>();
      wakers.add(wake);
      this.waiters.set(id, wakers);
      let timer: NodeJS.Timeout | undefined;
      try {
        // Checked after listening: a message sent before this read is seen by the read, one sent after by the listener.
        const checked = await this.check(scope, key);
        // Without the subscription no wake-up can come: better fetch now than wait out the lease.
        if (checked === undefined || this.closed || this.options.subscriber.status !== 'ready') return 'alone';
        if (checked.payload !== null) return { payload: checked.payload };
        if (checked.leaseLeftMs < 0) return 'free';
        const budgetMs = deadline - performance.now();
        if (budgetMs <= 0) return 'alone';
        await new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.min(checked.leaseLeftMs + LEASE_MARGIN_MS, budgetMs));
          void woken.then(resolve);
        });
      } finally {
        clearTimeout(timer);
        wakers.delete(wake);
        if (wakers.size === 0) this.waiters.delete(id);
      }
    }
  }

  /** The kept outcome of a key and how long its lock has left (negative: none). */
  private async check(scope: string, key: string): Promise<{ payload: string | null; leaseLeftMs: number } | undefined> {
    try {
      const replies = (await withDeadline(this.redis.pipeline().get(this.resultKey(scope, key)).pttl(this.lockKey(scope, key)).exec())) ?? [];
      const [[resultError, payload] = [null, null], [ttlError, ttl] = [null, -2]] = replies;
      if (resultError || ttlError) throw resultError ?? ttlError;
      this.health.up();
      return { payload: typeof payload === 'string' ? payload : null, leaseLeftMs: Number(ttl) };
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /** Work with no lock: Redis is away, or the cluster could not settle these keys in time. */
  private async runAlone<T>(keys: readonly string[], work: FlightWork<T>, answers: Map<string, T>): Promise<void> {
    const results = await work(keys);
    for (const key of keys) {
      const outcome = results.get(key);
      if (outcome !== undefined) answers.set(key, outcome);
    }
  }

  private lockKey(scope: string, key: string): string {
    return `${this.prefix}:lock:${scope}:${key}`;
  }

  private resultKey(scope: string, key: string): string {
    return `${this.prefix}:result:${scope}:${key}`;
  }

  private flightId(scope: string, key: string): string {
    return `${scope}:${key}`;
  }
}

/** What `createClusterFlight` needs: where Redis is, the namespace of the keys, the lease. */
export interface ClusterFlightSettings {
  readonly redisUrl: string;
  /** Namespace of the lock, outcome and channel keys (e.g. `mg:flight`). */
  readonly prefix: string;
  readonly leaseMs: number;
  /** Per kind of data, how long it stays fresh: a just-settled outcome is reused no longer. */
  readonly reuseMs: (scope: string) => number;
}

/** Logging of the flight's Redis going away and coming back. */
export interface ClusterFlightLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * The gateway's cluster flight, on two lazy connections of its own (commands, and the
 * subscription), connecting now so the first miss finds the channel subscribed.
 */
export async function createClusterFlight(settings: ClusterFlightSettings, log: ClusterFlightLog): Promise<ClusterFlight> {
  const { connectLazily } = await import('./redis-connection.js');
  const flight = new ClusterFlight({
    // Commands are bounded by the flight's own deadline (see withDeadline); the client's is a backstop.
    redis: connectLazily(settings.redisUrl, { commandTimeoutMs: CLIENT_COMMAND_TIMEOUT_MS }),
    subscriber: connectLazily(settings.redisUrl, { commandTimeoutMs: CLIENT_COMMAND_TIMEOUT_MS }),
    ownsRedis: true,
    prefix: settings.prefix,
    leaseMs: settings.leaseMs,
    reuseMs: settings.reuseMs,
    onStoreDown: (error) => log.warn({ err: error }, 'single-flight across instances unavailable (Redis): each instance fetches its own misses until it is back'),
    onStoreUp: () => log.info({}, 'single-flight across instances (Redis) back: a miss is fetched once in the cluster again'),
  });
  void flight.start();
  return flight;
}

/**
 * The command's answer, or a rejection after `ms`. Lag-proof: when the timer fires, the rejection
 * waits for the check phase of that loop turn, after the poll phase has read whatever Redis sent,
 * so a reply that arrived while the event loop was busy (a herd of requests) still wins. A plain
 * timer would fire first and turn a busy instance's every claim into a second upstream call.
 */
function withDeadline<T>(command: Promise<T>, ms = COMMAND_DEADLINE_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new Error(`Redis gave no answer within ${ms} ms`));
      });
    }, ms);
    command.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
