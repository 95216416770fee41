import { randomUUID } from 'node:crypto';
import type { RedisLink } from '../../stores/redis-link.js';
import { FlightStore, type FlightStoreOptions } from './cluster-flight-store.js';

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

export interface ClusterFlightOptions extends FlightStoreOptions {
  /** Longest a waiter waits for others before it fetches on its own. Default twice the lease. */
  readonly maxWaitMs?: number;
}

/** Waking this long after a lease runs out leaves Redis the time to have expired it. */
const LEASE_MARGIN_MS = 20;
/** Rounds of claiming keys whose holder vanished before a caller gives up on the cluster. */
const MAX_ROUNDS = 3;

/** What waiting for another holder came to. */
type Waited = { readonly payload: string } | 'free' | 'alone';

/**
 * Single-flight across instances through Redis: per key, one instance claims a short lock
 * (`SET NX PX`), does the work, keeps the outcome for a moment and publishes that it is done;
 * the others wait for that message (or the lease running out, if the holder died) and take the
 * kept outcome. Redis being away is never a reason for a call to fail or wait: every key is
 * then worked on by this instance alone (the in-process single-flight still coalesces it).
 * The Redis side (scripts, deadlines, the channel) is `FlightStore`; this is the protocol.
 */
export class ClusterFlight {
  private readonly store: FlightStore;
  private readonly maxWaitMs: number;

  constructor(private readonly options: ClusterFlightOptions) {
    this.store = new FlightStore(options);
    this.maxWaitMs = options.maxWaitMs ?? 2 * options.leaseMs;
  }

  /** Connects and subscribes now rather than on the first miss; answers whether Redis is usable. */
  start(): Promise<boolean> {
    return this.store.usable();
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
      if (round >= MAX_ROUNDS || !(await this.store.usable())) {
        await this.runAlone(pending, work, answers);
        break;
      }
      const token = randomUUID();
      const claims = await this.store.claim(scope, pending, token);
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
        const [state, detail] = claims[index] ?? ['held', '0'];
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

  /** Wakes every waiter and leaves the channel; the link stays open (the stores stage closes it). */
  async close(): Promise<void> {
    await this.store.close();
  }

  /**
   * The owner's part: one call of `work` for all its keys, then per key the outcome kept and the
   * waiters woken. Settling is awaited, so an answer given here is already visible to the cluster.
   * If the work throws, the locks are freed with no outcome, so waiters claim the keys themselves.
   */
  private async runOwned<T>(scope: string, keys: readonly string[], token: string, work: FlightWork<T>, codec: OutcomeCodec<T>, answers: Map<string, T>): Promise<void> {
    let results: ReadonlyMap<string, T>;
    // Renewed three times a lease while the work runs: a late beat or two still lands in time.
    const heartbeat = setInterval(() => this.store.renew(scope, keys, token), Math.max(10, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    try {
      results = await work(keys);
    } catch (error) {
      await this.store.settle(scope, keys, token, () => '');
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    for (const key of keys) {
      const outcome = results.get(key);
      if (outcome !== undefined) answers.set(key, outcome);
    }
    const settling = this.store.settle(scope, keys, token, (key) => {
      const outcome = results.get(key);
      return (outcome === undefined ? undefined : codec.encode(outcome)) ?? '';
    });
    // A Redis known to be failing does not hold the answer up; the settle still goes out.
    if (!this.store.paused) await settling;
  }

  /**
   * Waits for another instance's flight: until its message, or its lease running out. Answers the
   * kept outcome; `free` when the key is unlocked with no outcome (the holder died or failed: claim
   * it); `alone` when Redis stopped answering or the wait ran too long (fetch without the cluster).
   */
  private async wait(scope: string, key: string): Promise<Waited> {
    const deadline = performance.now() + this.maxWaitMs;
    for (;;) {
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const stopListening = this.store.listen(scope, key, wake);
      let timer: NodeJS.Timeout | undefined;
      try {
        // Checked after listening: a message sent before this read is seen by the read, one sent after by the listener.
        const checked = await this.store.check(scope, key);
        // Without the subscription no wake-up can come: better fetch now than wait out the lease.
        if (checked === undefined || !this.store.subscribed) return 'alone';
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
        stopListening();
      }
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
}

/** What `createClusterFlight` needs: the instance's Redis link, the namespace of the keys, the lease. */
export interface ClusterFlightSettings {
  readonly redis: RedisLink;
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
 * The gateway's cluster flight, on the instance's Redis link (its command connection, and its
 * subscriber connection for the wake-ups), subscribing now so the first miss finds the channel
 * subscribed. Each command is bounded by the flight's own lag-proof deadline, with the
 * connection's timeout raised to a backstop behind it (FlightStore).
 */
export async function createClusterFlight(settings: ClusterFlightSettings, log: ClusterFlightLog): Promise<ClusterFlight> {
  const flight = new ClusterFlight({
    redis: settings.redis,
    prefix: settings.prefix,
    leaseMs: settings.leaseMs,
    reuseMs: settings.reuseMs,
    onStoreDown: (error) => log.warn({ err: error }, 'single-flight across instances unavailable (Redis): each instance fetches its own misses until it is back'),
    onStoreUp: () => log.info({}, 'single-flight across instances (Redis) back: a miss is fetched once in the cluster again'),
  });
  void flight.start();
  return flight;
}
