import { GraphQLError } from 'graphql';
import { ErrorCode, type Consumer } from '../domain/index.js';
import type { StreamSymbolBudget } from '../graphql/context.js';
import type { MessageGate } from './ws-transport.js';

/** What one graphql-ws connection, and one consumer over all of its connections, may hold and send. */
export interface SocketLimits {
  /** Subscriptions open at once on one connection (LIMIT_SUBSCRIPTIONS_PER_SOCKET). */
  readonly subscriptionsPerSocket: number;
  /** Subscriptions a consumer of this profile may hold open at once in this instance (LIMIT_SUBSCRIPTIONS_PER_CONSUMER). */
  readonly subscriptionsPerConsumer: (profile: string) => number;
  /** Messages per second a connection may send, sustained (LIMIT_WS_MESSAGES_PER_SECOND)… */
  readonly messagesPerSecond: number;
  /** …and at once above that rate (LIMIT_WS_MESSAGE_BURST). */
  readonly messageBurst: number;
}

/**
 * The close of a connection that sent messages faster than its limit. 4429 is graphql-ws's own
 * "too many" code, and its client treats it as fatal: a client that floods is told, not
 * reconnected to flood again. The reason names the limit.
 */
export function floodClose(limits: Pick<SocketLimits, 'messagesPerSecond' | 'messageBurst'>): { readonly code: number; readonly reason: string } {
  return { code: 4429, reason: `Too many messages: at most ${limits.messagesPerSecond} per second (burst ${limits.messageBurst})` };
}

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. Every message counts, pings
 * and pongs included: they are what a flood is made of, and graphql-ws answers each ping.
 */
export class MessageRate implements MessageGate {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Who holds a subscription slot: the consumer's id, and for callers without credentials (who all
 * share the id `anonymous`) their address, as the per-consumer budgets count them.
 */
function holderOf(consumer: Consumer): string {
  return consumer.anonymous && consumer.clientAddress ? `${consumer.id}@${consumer.clientAddress}` : consumer.id;
}

/** A graphql-ws connection as its context shows it: the subscriptions it has open or being set up, by id. */
export interface OpenSubscriptions {
  readonly subscriptions: Readonly<Record<string, unknown>>;
}

interface Held {
  readonly holder: string;
  readonly ids: Set<string>;
}

/**
 * The subscriptions open in this instance, per connection and per consumer. A slot is taken when
 * a subscribe arrives, before any work on it (so a burst of subscribes cannot pass the cap while
 * the first ones are still being checked), and given back when the subscription ends, is
 * refused, or its connection closes. graphql-ws forgets a subscription the moment the client
 * completes it, but tells us (`onComplete`) only once its stream has wound down, a few ticks
 * later: a slot whose subscription graphql-ws no longer lists is free, so a client that completes
 * one and at once starts another is not refused.
 */
export class SubscriptionSlots {
  private readonly connections = new WeakMap<OpenSubscriptions, Held>();
  private readonly perHolder = new Map<string, { count: number; readonly connections: Set<OpenSubscriptions> }>();

  constructor(private readonly limits: Pick<SocketLimits, 'subscriptionsPerSocket' | 'subscriptionsPerConsumer'>) {}

  /** Takes a slot for subscription `id` of `connection`; the refusal to send instead when a cap is reached. */
  take(connection: OpenSubscriptions, id: string, consumer: Consumer): GraphQLError | undefined {
    const held = this.heldBy(connection, consumer);
    const holder = this.holderEntry(held.holder);
    holder.connections.add(connection);
    this.prune(connection);
    const perSocket = this.limits.subscriptionsPerSocket;
    if (held.ids.size >= perSocket) {
      return refusal(`At most ${perSocket} subscriptions may be open at once on one connection; complete one before starting another.`, 'subscriptionsPerSocket', perSocket);
    }
    const perConsumer = this.limits.subscriptionsPerConsumer(consumer.profile);
    if (holder.count >= perConsumer) for (const other of holder.connections) this.prune(other);
    if (holder.count >= perConsumer) {
      const who = consumer.anonymous ? 'A caller without credentials' : `A consumer of the "${consumer.profile}" profile`;
      return refusal(`${who} may hold at most ${perConsumer} subscriptions open at once; complete one before starting another.`, 'subscriptionsPerConsumer', perConsumer);
    }
    held.ids.add(id);
    holder.count += 1;
    return undefined;
  }

  /** Gives back the slot of subscription `id`, if it holds one. */
  release(connection: OpenSubscriptions, id: string): void {
    const held = this.connections.get(connection);
    if (!held?.ids.delete(id)) return;
    const holder = this.perHolder.get(held.holder);
    if (holder) holder.count -= 1;
  }

  /** Gives back every slot of a closed connection. */
  releaseAll(connection: OpenSubscriptions): void {
    const held = this.connections.get(connection);
    if (!held) return;
    for (const id of [...held.ids]) this.release(connection, id);
    this.connections.delete(connection);
    const holder = this.perHolder.get(held.holder);
    holder?.connections.delete(connection);
    if (holder && holder.connections.size === 0) this.perHolder.delete(held.holder);
  }

  private heldBy(connection: OpenSubscriptions, consumer: Consumer): Held {
    let held = this.connections.get(connection);
    if (!held) {
      held = { holder: holderOf(consumer), ids: new Set() };
      this.connections.set(connection, held);
    }
    return held;
  }

  private holderEntry(holder: string): { count: number; readonly connections: Set<OpenSubscriptions> } {
    let entry = this.perHolder.get(holder);
    if (!entry) {
      entry = { count: 0, connections: new Set() };
      this.perHolder.set(holder, entry);
    }
    return entry;
  }

  /** Frees the slots of subscriptions graphql-ws no longer lists on `connection`. */
  private prune(connection: OpenSubscriptions): void {
    const held = this.connections.get(connection);
    if (!held) return;
    for (const id of [...held.ids]) if (!Object.hasOwn(connection.subscriptions, id)) this.release(connection, id);
  }
}

/**
 * The distinct symbols each consumer watches in this instance, over all its open subscriptions and
 * both transports (LIMIT_STREAM_SYMBOLS_PER_CONSUMER). Taken by the subscription resolver once its
 * symbols are parsed (the transports' slots are taken before the document is, so they cannot know
 * them), given back when the subscription's stream ends: completed, failed, or its client gone
 * (both transports return the stream then, as they must to stop its feeds). A symbol watched by
 * two subscriptions of one consumer counts once: the cap is on what a consumer watches, the number
 * of subscriptions has its own cap. Per instance, as the subscription slots are.
 */
export class StreamSymbols implements StreamSymbolBudget {
  /** Per holder, how many of its open subscriptions watch each symbol. */
  private readonly perHolder = new Map<string, Map<string, number>>();

  constructor(private readonly limitOf: (profile: string) => number) {}

  take(consumer: Consumer, symbols: readonly string[]): () => void {
    const holder = holderOf(consumer);
    const held = this.perHolder.get(holder) ?? new Map<string, number>();
    const wanted = [...new Set(symbols)];
    const total = held.size + wanted.filter((symbol) => !held.has(symbol)).length;
    const limit = this.limitOf(consumer.profile);
    if (total > limit) {
      const who = consumer.anonymous ? 'A caller without credentials' : `A consumer of the "${consumer.profile}" profile`;
      throw refusal(
        `${who} may watch at most ${limit} symbols at once over its subscriptions; this one would make ${total}. Complete a subscription or ask for fewer symbols.`,
        'streamSymbolsPerConsumer',
        limit,
      );
    }
    for (const symbol of wanted) held.set(symbol, (held.get(symbol) ?? 0) + 1);
    this.perHolder.set(holder, held);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const symbol of wanted) {
        const count = (held.get(symbol) ?? 1) - 1;
        if (count > 0) held.set(symbol, count);
        else held.delete(symbol);
      }
      // An empty entry is dropped, so consumers who come and go leave nothing behind.
      if (held.size === 0 && this.perHolder.get(holder) === held) this.perHolder.delete(holder);
    };
  }

  /** The distinct symbols `consumer` watches now (metrics, tests). */
  watched(consumer: Consumer): number {
    return this.perHolder.get(holderOf(consumer))?.size ?? 0;
  }
}

/** A subscribe refused for a cap: RATE_LIMITED naming the cap, as budgets are named; the connection stays open. */
function refusal(message: string, budget: 'subscriptionsPerSocket' | 'subscriptionsPerConsumer' | 'streamSymbolsPerConsumer', limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, budget, limit } });
}
