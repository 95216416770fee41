import type { Right } from '../domain/index.js';
import type { RedisLink } from '../stores/redis-link.js';
import type { RedisReadiness } from '../stores/redis-readiness.js';
import type { Logger } from './logger.js';

/**
 * The audit trail: every denial, every admin action and every provider call made for a consumer,
 * and every request refused whole by an abuse limit or a spent budget.
 * Each entry goes to the `audit` pino logger and, with REDIS_URL, to a capped Redis stream that
 * every instance writes and `auditLog` reads back.
 */

export type AuditKind = 'DENIED' | 'ADMIN_ACTION' | 'PROVIDER_CALL' | 'REFUSED';

export interface AuditEntry {
  readonly time: Date;
  readonly kind: AuditKind;
  readonly consumer: string;
  readonly profile: string;
  /** True for admin actions and provider calls; false for denials. */
  readonly allowed: boolean;
  /** The GraphQL field path that asked, e.g. `quotes.3.company.financials`. */
  readonly path: string;
  /** The right checked (denials, admin actions). */
  readonly right?: Right;
  /** The provider and capability called (provider calls). */
  readonly provider?: string;
  readonly capability?: string;
  /** How the provider call ended: `ok` or its failure kind. */
  readonly outcome?: string;
  /** What refused a whole request (refusals): the limit (`maxDepth`, `costBudget`, …) or spent budget (`requests`, `providerCalls`). */
  readonly limit?: string;
}

export interface AuditTrailOptions {
  readonly logger: Logger;
  /** The instance's Redis link, for the shared stream; absent: entries are kept in memory for this instance only. */
  readonly redis?: RedisLink;
  readonly streamKey: string;
  /** Approximate cap of the stream (`XADD … MAXLEN ~`), and of the in-memory ring. */
  readonly maxEntries: number;
}

export interface AuditQuery {
  readonly limit: number;
  readonly consumer?: string;
}

/** Entries waiting for Redis to come up; beyond this the oldest are dropped (the log still has them). */
const MAX_PENDING = 10_000;
/** How long a read waits for a connecting Redis before answering from memory. */
const READ_WAIT_MS = 1_000;
/** Stream entries read per XREVRANGE page when filtering by consumer. */
const PAGE = 500;

export class AuditTrail {
  private readonly log: Logger;
  private readonly ring: AuditEntry[] = [];
  private pending: AuditEntry[] = [];
  private writing: Promise<void> | undefined;
  private redisDown = false;
  /** A read waits this long for a connecting link (once), then answers from memory. */
  private readonly readiness: RedisReadiness | undefined;

  constructor(private readonly options: AuditTrailOptions) {
    this.log = options.logger.child({ component: 'audit' });
    this.readiness = options.redis?.readiness(READ_WAIT_MS);
    options.redis?.commands.on('ready', this.onReady);
  }

  private readonly onReady = (): void => {
    if (this.redisDown) this.log.info('audit stream reachable again');
    this.redisDown = false;
    void this.flush();
  };

  /** Records one entry; never throws and never waits, so auditing cannot fail a request. */
  record(entry: AuditEntry): void {
    this.log.info({ audit: serialise(entry) }, `${entry.kind} ${entry.consumer} ${entry.path}`);
    this.ring.push(entry);
    if (this.ring.length > this.options.maxEntries) this.ring.splice(0, this.ring.length - this.options.maxEntries);
    if (!this.options.redis) return;
    this.pending.push(entry);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    void this.flush();
  }

  /** The newest entries first, optionally of one consumer only. */
  async read(query: AuditQuery): Promise<AuditEntry[]> {
    const redis = this.options.redis?.commands;
    if (!redis || !this.readiness) return newestFirst(this.ring, query);
    await this.readiness.ready();
    await this.flush();
    if (!redis.isReady) {
      this.log.warn('audit stream unreachable: answering from this instance’s memory');
      return newestFirst(this.ring, query);
    }
    const found: AuditEntry[] = [];
    let end = '+';
    let scanned = 0;
    // A consumer filter walks back page by page; the stream is capped, so the walk is bounded.
    while (found.length < query.limit && scanned <= this.options.maxEntries) {
      const count = query.consumer === undefined ? query.limit - found.length : PAGE;
      const page = await redis.xRevRange(this.options.streamKey, end, '-', { COUNT: count });
      for (const { message } of page) {
        const entry = deserialise(message);
        if (entry && (query.consumer === undefined || entry.consumer === query.consumer)) found.push(entry);
        if (found.length === query.limit) break;
      }
      scanned += page.length;
      if (page.length < count) break;
      end = `(${page[page.length - 1]!.id}`;
    }
    return found;
  }

  /** Writes what is still pending (at shutdown), if Redis is there to take it, and stops listening to the link. */
  async drain(): Promise<void> {
    await this.flush();
    this.options.redis?.commands.off('ready', this.onReady);
  }

  /** Writes the pending entries, in order, once Redis is ready; joins a write already under way. */
  private flush(): Promise<void> {
    const redis = this.options.redis?.commands;
    if (this.writing) return this.writing;
    if (!redis || this.pending.length === 0 || !redis.isReady) return Promise.resolve();
    this.writing = this.write(redis).finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async write(redis: RedisLink['commands']): Promise<void> {
    const trim = { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.options.maxEntries } } as const;
    try {
      // Entries recorded while a batch is on its way are taken by the next turn of the loop.
      while (this.pending.length > 0 && redis.isReady) {
        const batch = this.pending.splice(0, 100);
        // Sent in one tick, so node-redis writes the batch as one pipeline; XADDs keep their order.
        await Promise.all(batch.map((entry) => redis.xAdd(this.options.streamKey, '*', toFields(entry), trim)));
      }
    } catch (error) {
      if (!this.redisDown) this.log.warn({ err: error }, 'audit stream write failed: entries stay in the log and this instance’s memory');
      this.redisDown = true;
    }
  }
}

function newestFirst(ring: readonly AuditEntry[], query: AuditQuery): AuditEntry[] {
  const found: AuditEntry[] = [];
  for (let index = ring.length - 1; index >= 0 && found.length < query.limit; index--) {
    const entry = ring[index]!;
    if (query.consumer === undefined || entry.consumer === query.consumer) found.push(entry);
  }
  return found;
}

function serialise(entry: AuditEntry): Record<string, string | boolean> {
  const { time, ...rest } = entry;
  return Object.fromEntries(Object.entries({ ...rest, time: time.toISOString() }).filter(([, value]) => value !== undefined)) as Record<string, string | boolean>;
}

function toFields(entry: AuditEntry): Record<string, string> {
  return Object.fromEntries(Object.entries(serialise(entry)).map(([key, value]) => [key, String(value)]));
}

const KINDS = new Set<string>(['DENIED', 'ADMIN_ACTION', 'PROVIDER_CALL', 'REFUSED']);

/** A stream entry back into an AuditEntry; an entry that is not one of ours is skipped. */
function deserialise(fields: Readonly<Record<string, string>>): AuditEntry | undefined {
  const map = new Map<string, string>(Object.entries(fields));
  const kind = map.get('kind');
  const time = new Date(map.get('time') ?? '');
  const consumer = map.get('consumer');
  const profile = map.get('profile');
  if (!kind || !KINDS.has(kind) || Number.isNaN(time.getTime()) || consumer === undefined || profile === undefined) return undefined;
  const optional = (key: string): string | undefined => map.get(key);
  return {
    time,
    kind: kind as AuditKind,
    consumer,
    profile,
    allowed: map.get('allowed') === 'true',
    path: map.get('path') ?? '',
    ...(optional('right') ? { right: optional('right') as Right } : {}),
    ...(optional('provider') ? { provider: optional('provider')! } : {}),
    ...(optional('capability') ? { capability: optional('capability')! } : {}),
    ...(optional('outcome') ? { outcome: optional('outcome')! } : {}),
    ...(optional('limit') ? { limit: optional('limit')! } : {}),
  };
}
