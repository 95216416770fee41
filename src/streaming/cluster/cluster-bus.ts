import type { RedisCommands, RedisLink } from '../../stores/redis-link.js';
import { RedisReadiness } from '../../stores/redis-readiness.js';
import { RedisScript } from '../../stores/redis-script.js';
import { withDeadline } from '../../stores/lag-proof-deadline.js';
import { pubSubChoice, type PubSubChoice } from './pubsub-flavour.js';

export interface ClusterBusOptions {
  readonly link: RedisLink;
  /** Namespace of the owner keys and tick channels (`<prefix>:owner:<SYMBOL>`, `<prefix>:ticks:<SYMBOL>`). */
  readonly prefix: string;
  /** This instance's lease token: one per source, so a renewal tells our lease from a successor's. */
  readonly token: string;
  readonly leaseMs: number;
  /** How long the first use waits for the link's first connect (later uses never wait). */
  readonly connectWaitMs: number;
  /** Every message of every channel this instance listens to (one function, so re-listening never doubles it). */
  readonly onMessage: (message: string, channel: string) => void;
}

/** How long a command may take before the instance stops relying on Redis. */
const COMMAND_DEADLINE_MS = 500;
/**
 * The connection's own timeout, a backstop behind the lag-proof deadline (the link's 500 ms
 * default is a plain timer, which fires on a busy loop before the reply is read), as the
 * cluster flight does. Pub/sub commands have no timeout of their own in node-redis: ours is it.
 */
const BACKSTOP_MS = 5_000;

/**
 * Per owner key (KEYS), with this instance's token and the lease (ARGV): renew it if the token is
 * ours, else take it if free (SET NX PX), else leave it; answers 1 (ours now) or 0 per key. Both
 * in one script so one round trip per retry period covers every watched symbol, and so a lease
 * that ran out while we still held it is taken back rather than lost to no one.
 */
const CLAIM_LUA = `local out = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    out[i] = 1
  elseif redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then out[i] = 1
  else out[i] = 0 end
end
return out`;

/** Deletes each owner key (KEYS) only if it still holds our token (ARGV[1]): never a successor's lease. */
const RELEASE_LUA = `for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1`;

const CLAIM = new RedisScript(CLAIM_LUA);
const RELEASE = new RedisScript(RELEASE_LUA);

/**
 * The Redis side of the fan-out: owner leases (claim/renew, release by token) on the link's
 * command connection, tick channels on its subscriber connection. Every call either answers or
 * throws within a deadline; what a failure means (fall back to local feeds) is the source's call.
 */
export class ClusterBus {
  private readonly commands: RedisCommands;
  /**
   * The command connection without node-redis's own timeout, for publishes only. That timeout is
   * an `AbortSignal.timeout` per command, which cannot be cleared: at a thousand ticks a second,
   * five thousand live timers, weak references and aborted signals (each with a DOMException) per
   * instance, for a backstop a publish does not need. A publish still has the lag-proof deadline,
   * after which its tick goes to local watchers, and a Redis that stops answering fails the next
   * lease round, which takes the instance off publishing (local feeds) within a round.
   */
  private readonly publisher: RedisCommands;
  private readonly subscriber: RedisCommands;
  private readonly readiness: RedisReadiness;
  private readonly subscriberReadiness: RedisReadiness;
  private choice: PubSubChoice | undefined;

  constructor(private readonly options: ClusterBusOptions) {
    this.commands = options.link.commands.withCommandOptions({ timeout: BACKSTOP_MS }) as RedisCommands;
    // `timeout: 0`, not `{}`: node-redis merges the link's default (500 ms) under whatever a proxy leaves out.
    this.publisher = options.link.commands.withCommandOptions({ timeout: 0 }) as RedisCommands;
    this.subscriber = options.link.subscriber();
    this.readiness = options.link.readiness(options.connectWaitMs);
    this.subscriberReadiness = new RedisReadiness(this.subscriber, options.connectWaitMs);
  }

  channelOf(symbol: string): string {
    return `${this.options.prefix}:ticks:${symbol}`;
  }

  /** The symbol of one of our channels, or undefined for any other. */
  symbolOf(channel: string): string | undefined {
    const head = `${this.options.prefix}:ticks:`;
    return channel.startsWith(head) ? channel.slice(head.length) : undefined;
  }

  ownerKey(symbol: string): string {
    return `${this.options.prefix}:owner:${symbol}`;
  }

  /** Both connections ready (the subscriber one too: without it no tick can arrive). */
  async ready(): Promise<boolean> {
    const [commands, subscriber] = await Promise.all([this.readiness.ready(), this.subscriberReadiness.ready()]);
    return commands && subscriber;
  }

  /** Both connections up now: a command that fails or is late on them is Redis slow (or this loop starved), not away. */
  get connected(): boolean {
    return this.readiness.state === 'ready' && this.subscriberReadiness.state === 'ready';
  }

  /** For the log line of an outage. */
  get state(): string {
    return `commands ${this.readiness.state}, subscriber ${this.subscriberReadiness.state}`;
  }

  /** Whether messages can arrive now (node-redis is ready again only after it has resubscribed). */
  get listening(): boolean {
    return this.subscriber.isReady;
  }

  /** Sharded or classic, asked once per link; `fresh` is true the first time this bus learns it. */
  async pubSub(): Promise<{ readonly choice: PubSubChoice; readonly fresh: boolean }> {
    if (this.choice !== undefined) return { choice: this.choice, fresh: false };
    const choice = await withDeadline(pubSubChoice(this.options.link, this.commands), COMMAND_DEADLINE_MS);
    this.choice = choice;
    return { choice, fresh: true };
  }

  /** Per symbol, in order: whether the lease is ours now (renewed or taken). */
  async claim(symbols: readonly string[]): Promise<boolean[]> {
    if (symbols.length === 0) return [];
    const reply = await withDeadline(
      CLAIM.run(
        this.commands,
        symbols.map((symbol) => this.ownerKey(symbol)),
        [this.options.token, this.options.leaseMs],
      ),
      COMMAND_DEADLINE_MS,
    );
    if (!Array.isArray(reply) || reply.length !== symbols.length) throw new Error('unexpected reply to the stream lease claim');
    return reply.map((entry) => Number(entry) === 1);
  }

  /** Frees the leases this instance holds on `symbols`; a successor's are left alone. */
  async release(symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    const keys = symbols.map((symbol) => this.ownerKey(symbol));
    await withDeadline(RELEASE.run(this.commands, keys, [this.options.token]), COMMAND_DEADLINE_MS);
  }

  async publish(symbol: string, message: string): Promise<void> {
    const channel = this.channelOf(symbol);
    const sent = this.flavour === 'sharded' ? this.publisher.sPublish(channel, message) : this.publisher.publish(channel, message);
    await withDeadline(sent, COMMAND_DEADLINE_MS);
  }

  /** Listens to the symbols' channels (one command); node-redis listens again by itself after a reconnect. */
  async join(symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0) return;
    const channels = symbols.map((symbol) => this.channelOf(symbol));
    const joined = this.flavour === 'sharded' ? this.subscriber.sSubscribe(channels, this.options.onMessage) : this.subscriber.subscribe(channels, this.options.onMessage);
    await withDeadline(joined, COMMAND_DEADLINE_MS);
  }

  /** Stops listening to the symbols' channels; node-redis sends the unsubscribe only for channels no other listener holds. */
  async leave(symbols: readonly string[]): Promise<void> {
    if (symbols.length === 0 || !this.subscriber.isOpen) return;
    const channels = symbols.map((symbol) => this.channelOf(symbol));
    const left = this.flavour === 'sharded' ? this.subscriber.sUnsubscribe(channels, this.options.onMessage) : this.subscriber.unsubscribe(channels, this.options.onMessage);
    await withDeadline(left, COMMAND_DEADLINE_MS);
  }

  /** The subscriber connection's drops, for the source to react at once rather than at its next round. */
  onSubscriberTrouble(listener: () => void): () => void {
    this.subscriber.on('error', listener);
    this.subscriber.on('end', listener);
    return () => {
      this.subscriber.off('error', listener);
      this.subscriber.off('end', listener);
    };
  }

  private get flavour(): PubSubChoice['flavour'] {
    // Every join and publish comes after a round that learnt it (see ClusterSource); classic is only a default for the type.
    return this.choice?.flavour ?? 'classic';
  }
}
