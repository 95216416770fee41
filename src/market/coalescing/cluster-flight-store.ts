import type { RedisCommands, RedisLink } from '../../stores/redis-link.js';
import { RedisReadiness } from '../../stores/redis-readiness.js';
import { RedisScript } from '../../stores/redis-script.js';
import { StoreHealth } from '../../stores/store-health.js';
import { withDeadline } from '../../stores/lag-proof-deadline.js';

/** What the cluster flight's Redis side needs: the link, the namespace and the timings. */
export interface FlightStoreOptions {
  /**
   * The instance's Redis link: claims, settles and checks ride its command connection, wake-ups
   * its subscriber connection. The flight never closes it (the stores stage does, last).
   */
  readonly redis: RedisLink;
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
  /** How long the first use waits for Redis to connect (default 1 s); later uses never wait. */
  readonly connectWaitMs?: number;
  /** Told once when Redis stops answering (flights are then coalesced per process), once when it is back. */
  readonly onStoreDown?: (error: unknown) => void;
  readonly onStoreUp?: () => void;
}

/** A claimed key's state: `owned` (ours to work), `done` (detail: a kept outcome), `held` (detail: the holder's lease left, ms). */
export type ClaimEntry = [string, string];

const DEFAULT_PREFIX = 'mg:flight';
const DEFAULT_REUSE_MS = 1_000;
/** How long a flight's Redis command may take before the flight goes on without Redis. */
const COMMAND_DEADLINE_MS = 500;
/**
 * The connection's timeout, a backstop behind the lag-proof deadline: the link's 500 ms default
 * (a plain timer) would fire on a busy loop before the reply is read. node-redis times a command
 * out only until it is written, so renew and subscribe get this as a deadline of their own.
 */
const BACKSTOP_MS = 5_000;
/** After a failed or late command, Redis is left alone this long: every miss is fetched at once, alone. */
const PAUSE_MS = 1_000;

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

const CLAIM = new RedisScript(CLAIM_LUA);
const SETTLE = new RedisScript(SETTLE_LUA);
const RENEW = new RedisScript(RENEW_LUA);

/** The claim script's reply, checked: a reply of another shape is a failed claim, not a guess. */
function claimEntries(reply: unknown): ClaimEntry[] {
  if (!Array.isArray(reply) || !reply.every(Array.isArray)) throw new Error('unexpected reply to the flight claim');
  return reply.map((entry: unknown[]) => [String(entry[0]), String(entry[1] ?? '')]);
}

/**
 * The cluster flight's Redis side: the scripts that claim, settle and renew keys, the check a
 * waiter makes, and the channel that wakes waiters. Every command has the lag-proof deadline; a
 * failed or late one is told once and leaves Redis alone for a moment, so a Redis that hangs
 * costs one deadline, not one per miss. What it answers `undefined` for, the flight does alone.
 */
export class FlightStore {
  /** The link's command connection, with the backstop timeout instead of the link's default. */
  private readonly commands: RedisCommands;
  /** The link's subscriber connection, shared with any other part that listens. */
  private readonly subscriber: RedisCommands;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly keepMs: number;
  private readonly reuseMs: (scope: string) => number;
  private readonly readiness: RedisReadiness;
  private readonly subscriberReadiness: RedisReadiness;
  private readonly health: StoreHealth;
  /** Local waiters by flight id, woken by the channel's messages. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private listening = false;
  /** Whether SUBSCRIBE was ever sent: only then has `close()` a channel to leave. */
  private subscribeSent = false;
  /** Until when Redis is left alone after a failure (performance.now() time). */
  private pausedUntil = 0;
  private subscribing: Promise<boolean> | undefined;
  private closed = false;

  constructor(private readonly options: FlightStoreOptions) {
    this.commands = options.redis.commands.withCommandOptions({ timeout: BACKSTOP_MS }) as RedisCommands;
    this.subscriber = options.redis.subscriber();
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.channel = `${this.prefix}:done`;
    this.keepMs = options.keepMs ?? options.leaseMs;
    const reuse = options.reuseMs ?? DEFAULT_REUSE_MS;
    this.reuseMs = (scope) => Math.min(typeof reuse === 'number' ? reuse : reuse(scope), this.keepMs);
    const waitMs = options.connectWaitMs ?? 1_000;
    this.readiness = options.redis.readiness(waitMs);
    this.subscriberReadiness = new RedisReadiness(this.subscriber, waitMs);
    this.health = new StoreHealth(options.onStoreDown, options.onStoreUp);
    // No message can come while the subscription is down: waiters check at once, not at lease end
    // (node-redis tells a dropped connection as 'error', then reconnects; a closed one as 'end').
    this.subscriber.on('error', this.wakeAll);
    this.subscriber.on('end', this.wakeAll);
  }

  /** Whether Redis was failing moments ago (it is left alone meanwhile). */
  get paused(): boolean {
    return performance.now() < this.pausedUntil;
  }

  /** Whether a wake-up can still come: not closed, and the subscription up. */
  get subscribed(): boolean {
    // node-redis is ready again only once it has subscribed again (resubscribing is part of its handshake).
    return !this.closed && this.subscriber.isReady;
  }

  /** Both connections ready and the channel subscribed; the first call waits for them a little. */
  async usable(): Promise<boolean> {
    if (this.closed || this.paused) return false;
    const ready = (await this.readiness.ready()) && (this.listening ? this.subscriber.isReady : await this.subscribeOnce());
    if (!ready) this.health.down(new Error(`Redis is not ready (${this.readiness.state}, subscriber ${this.subscriberReadiness.state})`));
    return ready;
  }

  /** Each key's claim, in order; undefined when Redis did not answer in time (the claim may still have landed). */
  async claim(scope: string, keys: readonly string[], token: string): Promise<ClaimEntry[] | undefined> {
    const names = keys.flatMap((key) => [this.lockKey(scope, key), this.resultKey(scope, key)]);
    try {
      const reply = await withDeadline(CLAIM.run(this.commands, names, [token, this.options.leaseMs, this.keepMs, this.reuseMs(scope)]), COMMAND_DEADLINE_MS);
      const entries = claimEntries(reply);
      this.health.up();
      return entries;
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /** Extends the locks `token` holds by a lease; a failure is told, never thrown. */
  renew(scope: string, keys: readonly string[], token: string): void {
    const locks = keys.map((key) => this.lockKey(scope, key));
    withDeadline(RENEW.run(this.commands, locks, [token, this.options.leaseMs]), BACKSTOP_MS).catch((error: unknown) => this.fail(error));
  }

  /** Per key: keeps its outcome (none for ''), frees the lock if `token` still holds it, wakes its waiters. */
  async settle(scope: string, keys: readonly string[], token: string, payloadOf: (key: string) => string): Promise<void> {
    // Sent in one tick, so node-redis writes them as one pipeline, as the old client's pipeline() did.
    const settling = keys.map((key) =>
      SETTLE.run(this.commands, [this.lockKey(scope, key), this.resultKey(scope, key)], [token, payloadOf(key), this.keepMs, this.channel, this.flightId(scope, key)]),
    );
    try {
      await withDeadline(Promise.all(settling), COMMAND_DEADLINE_MS);
      this.health.up();
    } catch (error) {
      // The locks run out on their own; waiters then claim the keys.
      this.fail(error);
    }
  }

  /** The kept outcome of a key and how long its lock has left (negative: none). */
  async check(scope: string, key: string): Promise<{ payload: string | null; leaseLeftMs: number } | undefined> {
    try {
      // Both in one tick: one round trip, as a pipeline.
      const [payload, ttl] = await withDeadline(Promise.all([this.commands.get(this.resultKey(scope, key)), this.commands.pTTL(this.lockKey(scope, key))]), COMMAND_DEADLINE_MS);
      this.health.up();
      return { payload: typeof payload === 'string' ? payload : null, leaseLeftMs: Number(ttl) };
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /** Calls `wake` whenever the key's flight is settled (or the subscription drops); answers the function that stops it. */
  listen(scope: string, key: string, wake: () => void): () => void {
    const id = this.flightId(scope, key);
    const wakers = this.waiters.get(id) ?? new Set<() => void>();
    wakers.add(wake);
    this.waiters.set(id, wakers);
    return () => {
      wakers.delete(wake);
      if (wakers.size === 0) this.waiters.delete(id);
    };
  }

  /**
   * Wakes every waiter and leaves the channel. The link's connections stay open: other parts use
   * them, and the stores stage closes the link once every part is done.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriber.off('error', this.wakeAll);
    this.subscriber.off('end', this.wakeAll);
    this.wakeAll();
    if (this.subscribeSent) await this.unsubscribe();
  }

  private readonly onMessage = (id: string): void => {
    for (const wake of this.waiters.get(id) ?? []) wake();
  };

  /** A failed or late command: told once, and Redis left alone for a moment. */
  private fail(error: unknown): void {
    this.pausedUntil = performance.now() + PAUSE_MS;
    this.health.down(error);
  }

  private readonly wakeAll = (): void => {
    for (const wakers of this.waiters.values()) for (const wake of wakers) wake();
  };

  private subscribeOnce(): Promise<boolean> {
    this.subscribing ??= this.subscribe().finally(() => (this.subscribing = undefined));
    return this.subscribing;
  }

  private async subscribe(): Promise<boolean> {
    if (!(await this.subscriberReadiness.ready())) return false;
    this.subscribeSent = true;
    try {
      // node-redis subscribes again by itself after a reconnect. Its timeout does not cover
      // pub/sub commands (they wait for the connection): the backstop is ours.
      await withDeadline(this.subscriber.subscribe(this.channel, this.onMessage), BACKSTOP_MS);
      // Closed meanwhile: close() may have left before this listener was in; leave again.
      if (this.closed) return this.unsubscribe().then(() => false);
      this.listening = true;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** Removes this flight's listener; node-redis sends UNSUBSCRIBE only when no other listener is left on the channel. */
  private async unsubscribe(): Promise<void> {
    if (!this.subscriber.isOpen) return;
    // At shutdown a Redis that hangs must not hold the stage up: the link's close ends it anyway.
    await withDeadline(this.subscriber.unsubscribe(this.channel, this.onMessage), COMMAND_DEADLINE_MS).catch(() => undefined);
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
