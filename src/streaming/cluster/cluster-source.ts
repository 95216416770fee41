import { randomUUID } from 'node:crypto';
import type { OnTick, TickSource } from '../../providers/adapter.js';
import { systemStreamClock, type StreamClock, type StreamTimer } from '../../providers/kit/stream-clock.js';
import type { RedisLink } from '../../stores/redis-link.js';
import { StoreHealth } from '../../stores/store-health.js';
import type { StoreLog } from '../../stores/store-log.js';
import { ClusterBus } from './cluster-bus.js';
import { createClusterEvents, type ClusterEvents, type ClusterMode } from './cluster-events.js';
import { SymbolFeed } from './symbol-feed.js';
import { decodeItem, encodeError, encodeTick } from './tick-wire.js';

export interface ClusterSourceOptions {
  /** The instance's Redis link; never closed here (the stores stage owns it). */
  readonly link: RedisLink;
  /** The upstream this instance opens for the symbols it owns (and for all of them while Redis is away). */
  readonly local: TickSource;
  /** Namespace of the owner keys and tick channels, e.g. `mg:stream`. */
  readonly prefix: string;
  /** How long an owner's lease holds without renewal: a dead owner is replaced within this plus `retryMs`. */
  readonly leaseMs: number;
  /** Names this instance in its lease token and its events. */
  readonly instanceId: string;
  /** How often leases are renewed and taken (default a third of the lease: two late renewals still land in time). */
  readonly retryMs?: number;
  /** How long the first use waits for the link's first connect (default 1 s). */
  readonly connectWaitMs?: number;
  readonly clock?: StreamClock;
  readonly log: StoreLog;
}

/** A TickSource fanned out across instances, with what metrics and tests read of it. */
export interface ClusterSource extends TickSource {
  readonly events: ClusterEvents;
  /** Where watchers are fed from now. */
  readonly mode: ClusterMode;
  /** Symbols whose upstream this instance owns now. */
  ownedSymbols(): string[];
  /** Stops every feed and timer, frees this instance's leases and leaves its channels; the link stays open. */
  close(): Promise<void>;
}

/**
 * One upstream feed per symbol across every instance on one Redis:
 *
 * - an instance watching a symbol listens to its channel and, every `retryMs`, renews or tries to
 *   take the symbol's lease (one script for all its symbols); the lease holder runs `local` for
 *   the symbol and publishes every tick and error to the channel; every instance, the owner too,
 *   feeds its watchers from the channel, so all see the same ticks in the same order;
 * - an owner that dies stops renewing: its lease runs out and the next round of any other
 *   watching instance takes it; an owner whose last watcher leaves releases it at once;
 * - Redis away (a connection down, or no lease round through for a whole lease): every instance
 *   feeds its own watchers from `local`, and goes back to the leases when Redis answers again. Per symbol a tick older than
 *   the last delivered is dropped, so the switches never show a watcher the past.
 */
export function createClusterSource(options: ClusterSourceOptions): ClusterSource {
  return new FannedOutSource(options);
}

class FannedOutSource implements ClusterSource {
  readonly events = createClusterEvents();
  private readonly bus: ClusterBus;
  private readonly clock: StreamClock;
  private readonly retryMs: number;
  private readonly health: StoreHealth;
  private readonly feeds = new Map<string, SymbolFeed>();
  /** Symbols no longer watched whose lease and channel are still to be let go. */
  private readonly leaving = new Set<string>();
  private readonly stopTroubleWatch: () => void;
  private currentMode: ClusterMode = 'cluster';
  private timer: StreamTimer | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** When a round last went through (`clock.now()`): how long the leases may have gone unrenewed. */
  private lastRound: number;

  constructor(private readonly options: ClusterSourceOptions) {
    this.clock = options.clock ?? systemStreamClock;
    this.lastRound = this.clock.now();
    this.retryMs = options.retryMs ?? Math.max(20, Math.floor(options.leaseMs / 3));
    this.bus = new ClusterBus({
      link: options.link,
      prefix: options.prefix,
      token: `${options.instanceId}:${randomUUID()}`,
      leaseMs: options.leaseMs,
      connectWaitMs: options.connectWaitMs ?? 1_000,
      onMessage: (message, channel) => this.onMessage(message, channel),
    });
    const { instanceId, log } = options;
    this.health = new StoreHealth(
      (error) => {
        log.warn({ err: error, instanceId, symbols: this.feeds.size }, 'live quotes across instances unavailable (Redis): each instance feeds its own watchers from its own upstream until it is back');
        this.events.emitFellBackToLocal({ instanceId, mode: 'local', symbols: this.feeds.size });
      },
      () => {
        log.info({ instanceId, symbols: this.feeds.size }, 'live quotes across instances (Redis) back: one upstream feed per symbol in the cluster again');
        this.events.emitBackToCluster({ instanceId, mode: 'cluster', symbols: this.feeds.size });
      },
    );
    // A dropped subscription means no tick can come: fall back now, not at the next round.
    this.stopTroubleWatch = this.bus.onSubscriberTrouble(() => this.kick());
  }

  get mode(): ClusterMode {
    return this.currentMode;
  }

  ownedSymbols(): string[] {
    return [...this.feeds.values()].filter((feed) => feed.owned).map((feed) => feed.symbol);
  }

  start(symbol: string, onTick: OnTick, onError: (error: Error) => void): () => void {
    if (this.closed) return () => undefined;
    let feed = this.feeds.get(symbol);
    if (feed === undefined) {
      feed = new SymbolFeed(symbol);
      this.feeds.set(symbol, feed);
      this.leaving.delete(symbol);
      if (this.currentMode === 'local') this.startUpstream(feed);
      // Listening and claiming wait for the round, so symbols watched in one go share its commands.
      this.kick();
    }
    const stop = feed.add({ onTick, onError });
    const watched = feed;
    return () => {
      if (!stop() || this.feeds.get(symbol) !== watched) return;
      this.feeds.delete(symbol);
      watched.stopUpstream();
      if (watched.owned) {
        watched.owned = false;
        this.events.emitOwnershipEnded({ instanceId: this.options.instanceId, symbol, reason: 'released' });
      }
      // Released at once, so another watching instance takes it at its next round.
      this.leaving.add(symbol);
      this.kick();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.stopTroubleWatch();
    for (const feed of this.feeds.values()) {
      feed.stopUpstream();
      if (feed.owned) this.events.emitOwnershipEnded({ instanceId: this.options.instanceId, symbol: feed.symbol, reason: 'closed' });
      feed.owned = false;
      this.leaving.add(feed.symbol);
    }
    this.feeds.clear();
    // A round under way may still claim: let it end, then let go of everything.
    await this.round;
    await this.letGo().catch(() => undefined);
  }

  /** Runs a round soon: now if none is running, else right after the one that is. */
  private kick(): void {
    if (this.closed) return;
    if (this.round !== undefined) {
      this.again = true;
      return;
    }
    this.timer?.cancel();
    this.timer = this.clock.setTimer(() => this.runRound(), 0);
  }

  private runRound(): void {
    this.timer = undefined;
    if (this.closed || this.round !== undefined) return;
    this.round = this.roundOnce()
      .then(() => void (this.lastRound = this.clock.now()))
      .catch((error: unknown) => this.roundFailed(error))
      .finally(() => {
        this.round = undefined;
        if (this.closed) return;
        const soon = this.again;
        this.again = false;
        // Rounds go on only while there is something to hold or let go: an idle source has no timer.
        if (soon || this.feeds.size > 0 || this.leaving.size > 0) this.timer = this.clock.setTimer(() => this.runRound(), soon ? 0 : this.retryMs);
      });
  }

  /** One round: let go of what is no longer watched, listen to new symbols, renew or take every lease. */
  private async roundOnce(): Promise<void> {
    if (this.feeds.size === 0 && this.leaving.size === 0) return;
    if (!(await this.bus.ready())) throw new Error(`Redis is not ready (${this.bus.state})`);
    const { choice, fresh } = await this.bus.pubSub();
    if (fresh) this.events.emitPubSubChosen({ instanceId: this.options.instanceId, ...choice });
    await this.letGo();
    const joining = [...this.feeds.values()].filter((feed) => !feed.joined);
    await this.bus.join(joining.map((feed) => feed.symbol));
    for (const feed of joining) feed.joined = true;
    if (!this.bus.listening) throw new Error('the Redis subscription dropped');
    const claimed = [...this.feeds.values()];
    const ours = await this.bus.claim(claimed.map((feed) => feed.symbol));
    if (this.closed) return;
    // Back from an outage: the channels feed the watchers again from here on.
    this.currentMode = 'cluster';
    this.health.up();
    claimed.forEach((feed, index) => {
      // A symbol dropped while the claim was out is in `leaving`: its lease goes next round.
      if (this.feeds.get(feed.symbol) !== feed) return;
      if (ours[index] === true) this.own(feed);
      else this.disown(feed, 'lost');
    });
  }

  /** Releases the leases and leaves the channels of symbols no longer watched; kept for next round on failure. */
  private async letGo(): Promise<void> {
    const symbols = [...this.leaving];
    if (symbols.length === 0) return;
    this.leaving.clear();
    try {
      await Promise.all([this.bus.release(symbols), this.bus.leave(symbols)]);
    } catch (error) {
      for (const symbol of symbols) if (!this.feeds.has(symbol)) this.leaving.add(symbol);
      throw error;
    }
  }

  private own(feed: SymbolFeed): void {
    if (feed.owned) return;
    feed.owned = true;
    // Already running after an outage: the same upstream goes on, now publishing.
    this.startUpstream(feed);
    this.events.emitBecameOwner({ instanceId: this.options.instanceId, symbol: feed.symbol });
  }

  private disown(feed: SymbolFeed, reason: 'lost' | 'outage'): void {
    if (feed.owned) this.events.emitOwnershipEnded({ instanceId: this.options.instanceId, symbol: feed.symbol, reason });
    feed.owned = false;
    // Another instance owns it: its ticks come on the channel (a feed kept through an outage stops here).
    if (reason === 'lost') feed.stopUpstream();
  }

  /**
   * A round not through. Both connections up and a round through within the lease: Redis slow or
   * this loop starved, not away; the leases hold, ticks still come, the next round tries again.
   * Falling back on it started every watched symbol's upstream here, given up a round later (the
   * stream-fanout bench near the 2 cores' limit: 1,164 upstream subscribes for 500 symbols in 60 s,
   * p99 0.1 s → 0.9 s). A connection down, or no round for a whole lease, is an outage.
   */
  private roundFailed(error: unknown): void {
    const late = this.currentMode === 'cluster' && this.bus.connected && this.clock.now() - this.lastRound < this.options.leaseMs;
    if (!late) this.fallBack(error);
  }

  /** Redis away: every watched symbol is fed from this instance's own upstream, straight to its watchers. */
  private fallBack(error: unknown): void {
    if (this.closed) return;
    this.currentMode = 'local';
    for (const feed of this.feeds.values()) {
      this.disown(feed, 'outage');
      this.startUpstream(feed);
    }
    this.health.down(error);
  }

  private startUpstream(feed: SymbolFeed): void {
    feed.startUpstream(this.options.local, {
      onTick: (quote) => this.fromUpstream(feed, () => encodeTick(quote, Date.now()), () => feed.deliver(quote)),
      onError: (error) => this.fromUpstream(feed, () => encodeError(error), () => feed.deliverError(error)),
    });
  }

  /** An item of this instance's upstream: straight to its watchers while local, else published by the owner. */
  private fromUpstream(feed: SymbolFeed, encode: () => string, deliverHere: () => void): void {
    if (this.feeds.get(feed.symbol) !== feed) return;
    if (this.currentMode === 'local') deliverHere();
    else if (feed.owned) this.publish(feed, encode(), deliverHere);
  }

  /**
   * A publish that failed or was late: the item goes to this instance's watchers directly, and the
   * lease rounds decide whether Redis is away (roundFailed). Not a fall back on the publish alone:
   * on a starved loop one is late long before Redis is away (the stream-fanout bench: 3,390
   * upstream subscribe messages for 500 symbols). One that lands after all is dropped by the feed
   * as the same tick twice.
   */
  private publish(feed: SymbolFeed, message: string, deliverHere: () => void): void {
    this.bus.publish(feed.symbol, message).catch(() => {
      if (this.closed || this.feeds.get(feed.symbol) !== feed) return;
      deliverHere();
    });
  }

  private onMessage(message: string, channel: string): void {
    // While local, watchers are fed by the local upstream only: the channel may still carry another owner's ticks.
    if (this.currentMode !== 'cluster') return;
    const symbol = this.bus.symbolOf(channel);
    const feed = symbol === undefined ? undefined : this.feeds.get(symbol);
    if (feed === undefined) return;
    const item = decodeItem(message);
    if (item === undefined) return;
    if (item.kind === 'tick') feed.deliver(item.quote, item.receivedAt);
    else feed.deliverError(item.error);
  }
}
