import { createClient, type RedisClientType } from '@redis/client';
import { RedisReadiness } from './redis-readiness.js';

/** The command client every Redis-backed part shares (node-redis, the client @keyv/redis is built on). */
export type RedisCommands = RedisClientType;

export interface RedisLinkOptions {
  /** `redis://[:password@]host:port[/db]`, as REDIS_URL gives it. */
  readonly url: string;
  /**
   * Default deadline of one command, in ms (500). Every part falls back to memory when Redis is
   * slow, so a command never waits longer than this unless its part asks for more
   * (`commands.withCommandOptions({ timeout })`, as the cluster flight does).
   */
  readonly commandTimeoutMs?: number;
  /** How long one connection attempt may take, in ms (1,000). */
  readonly connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts, in ms (2,000); attempts go on for as long as the link is open. */
  readonly maxReconnectDelayMs?: number;
  /** Drawn in [0, 1) for the reconnection jitter; tests pin it. */
  readonly random?: () => number;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 500;
const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * The instance's one link to Redis: ONE command connection shared by every part (the L2 cache,
 * quota and throttle windows, the audit stream, dead letters, the cluster flight), plus ONE
 * subscriber connection opened the first time a part needs pub/sub (a connection in subscribe
 * mode can take no other command). Nothing else in the gateway opens a Redis connection.
 *
 * Sharing is safe because Redis runs one connection's commands in order and node-redis pipelines
 * whatever is sent in the same tick; no part uses blocking commands or MULTI across awaits.
 *
 * The link never makes a caller wait for an outage: commands are not queued while disconnected
 * (they fail at once and the part answers from memory), and the client reconnects in the
 * background with capped, jittered back-off for as long as the link is open. Readiness (may I ask
 * now?) is answered by `readiness()`, the same way for every part. Closing is the composition
 * root's job, after every part has drained: parts never close the link.
 */
export class RedisLink {
  readonly commands: RedisCommands;
  private subscriberClient: RedisCommands | undefined;
  private closed = false;

  private constructor(private readonly options: RedisLinkOptions) {
    this.commands = createClient({
      url: options.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS },
      socket: {
        connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        reconnectStrategy: (retries: number) => this.reconnectDelay(retries),
      },
    }) as RedisCommands;
    listenQuietly(this.commands);
  }

  /** Opens the command connection in the background; `readiness(waitMs)` says when it can be used. */
  static open(options: RedisLinkOptions): RedisLink {
    const link = new RedisLink(options);
    // A failed first attempt is retried by the reconnect strategy; parts hear of it through readiness.
    link.commands.connect().catch(() => undefined);
    return link;
  }

  /** Where the link goes, without its password: for logs. */
  get target(): string {
    return redactUrl(this.options.url);
  }

  /** A readiness gate on the command connection; the first ask waits up to `waitMs` for the first connect. */
  readiness(waitMs: number): RedisReadiness {
    return new RedisReadiness(this.commands, waitMs);
  }

  /**
   * The instance's subscriber connection, opened on the first call. node-redis subscribes again
   * by itself after a reconnect; a part listens with `subscribe(channel, listener)`, and any
   * number of parts can listen on it, each to its own channels.
   */
  subscriber(): RedisCommands {
    if (this.subscriberClient === undefined) {
      const subscriber = this.commands.duplicate() as RedisCommands;
      listenQuietly(subscriber);
      if (!this.closed) subscriber.connect().catch(() => undefined);
      this.subscriberClient = subscriber;
    }
    return this.subscriberClient;
  }

  /** Whether the command connection is ready for commands now (for the `redis_connected` gauge). */
  get connected(): boolean {
    return this.commands.isReady;
  }

  /** Connections this link holds open now (1 or 2): what `CLIENT LIST` shows of this instance. */
  get openConnections(): number {
    return [this.commands, this.subscriberClient].filter((client) => client?.isOpen === true).length;
  }

  /** Closes both connections at once; commands still in flight fail (their parts fall back to memory). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of [this.commands, this.subscriberClient]) if (client?.isOpen) client.destroy();
  }

  private reconnectDelay(retries: number): number {
    // Full jitter over a doubling ceiling: instances that lost Redis together do not return in lockstep.
    const ceiling = Math.min(100 * 2 ** Math.min(retries, 10), this.options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS);
    return Math.max(50, Math.round(ceiling * (this.options.random ?? Math.random)()));
  }
}

/** Outages are told by the parts (once each way); unheard, node-redis would throw on every retry. */
function listenQuietly(client: RedisCommands): void {
  client.on('error', () => undefined);
}

/** A Redis URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://?';
  }
}
