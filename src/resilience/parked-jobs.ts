import { entryPrefix, parseJob, serialiseJob, workOf, type DeadLetterJob } from './dead-letter-job.js';
import type { RedisCommands, RedisLink } from '../stores/redis-link.js';
import { RedisScript } from '../stores/redis-script.js';
import { sharedReady, sharedStore, type SharedStore } from './window-counter.js';

/**
 * Parks an entry: drops any parked entry of the same work (one entry per work, the newest), pushes
 * the new one at the head, and trims the list to its cap, answering how many old entries the trim
 * dropped. With no entry to push it only drops the work's entries (a refresh that succeeded).
 * Entries are matched by their first characters (`entryPrefix`), so no JSON is decoded here.
 */
const PARK_SCRIPT = new RedisScript(`local prefix = ARGV[1]
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(entry, 1, #prefix) == prefix then redis.call('LREM', KEYS[1], 0, entry) end
end
if ARGV[2] == '' then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[2])
local max = tonumber(ARGV[3])
local over = redis.call('LLEN', KEYS[1]) - max
if over > 0 then
  redis.call('LTRIM', KEYS[1], 0, max - 1)
  return over
end
return 0`);

export interface ParkedJobsOptions {
  /** Most entries parked per provider; the oldest go first (default 1,000). */
  readonly maxPerProvider?: number;
  /**
   * Shared by every gateway instance, so each sees (and may replay) what any of them parked.
   * The instance's link: the queue only uses it, its owner closes it.
   */
  readonly redis?: RedisLink;
  /** Namespace of the lists (default `mg:dlq`): one list `<prefix>:<provider>` per provider. */
  readonly prefix?: string;
  /** How long the first use waits for a lazily connecting Redis (default 1 s). */
  readonly connectWaitMs?: number;
  /** Redis stopped answering: jobs are parked in this instance until it is back. Told once. */
  readonly onStoreDown?: (error: unknown) => void;
  readonly onStoreUp?: () => void;
}

export const DEFAULT_MAX_PER_PROVIDER = 1_000;
const DEFAULT_PREFIX = 'mg:dlq';

/**
 * Jobs parked as `failed`, per provider. In memory by default. With Redis, a list per provider
 * (`mg:dlq:<provider>`, JSON entries, newest at the head, LTRIM'd to the cap) that every instance
 * shares; whenever Redis is not ready or a command fails, jobs are parked in memory instead and
 * the outage is told once (and its end once). Depth and replay read both places, so nothing
 * parked in memory during an outage is lost to review.
 */
export class ParkedJobs {
  readonly maxPerProvider: number;
  /** Per provider, oldest first. */
  private readonly memory = new Map<string, DeadLetterJob[]>();
  private readonly store: SharedStore | undefined;
  private readonly prefix: string;

  constructor(options: ParkedJobsOptions = {}) {
    this.maxPerProvider = options.maxPerProvider ?? DEFAULT_MAX_PER_PROVIDER;
    if (!Number.isInteger(this.maxPerProvider) || this.maxPerProvider < 1) throw new Error(`dead letters: a cap of ${this.maxPerProvider} per provider is not a positive whole number`);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.store = options.redis && sharedStore(options.redis, options.connectWaitMs ?? 1_000, options.onStoreDown, options.onStoreUp);
  }

  /**
   * Parks a failed job in place of any parked entry of the same work, and answers the jobs
   * dropped to stay within the cap (the oldest; Redis only says how many, so those are counted
   * but not named).
   */
  async park(job: DeadLetterJob): Promise<{ readonly dropped: number }> {
    this.discardInMemory(job);
    const shared = await this.shared(async (client) => {
      const over = await PARK_SCRIPT.run(client, [this.list(job.provider)], [entryPrefix(job), serialiseJob(job), this.maxPerProvider]);
      return Number(over);
    });
    if (shared !== undefined) return { dropped: shared };
    const parked = this.memoryOf(job.provider);
    parked.push(job);
    const dropped = parked.length > this.maxPerProvider ? parked.splice(0, parked.length - this.maxPerProvider).length : 0;
    return { dropped };
  }

  /** Forgets the parked entries of this work: its refresh succeeded, there is nothing left to review. */
  async discard(job: Pick<DeadLetterJob, 'provider' | 'capability' | 'key'>): Promise<void> {
    this.discardInMemory(job);
    await this.shared((client) => PARK_SCRIPT.run(client, [this.list(job.provider)], [entryPrefix(job), '', this.maxPerProvider]));
  }

  /**
   * Takes every parked job of a provider off the shelf, oldest first. The Redis list is read and
   * deleted in one transaction, so two instances replaying at once never both take an entry.
   */
  async take(provider: string): Promise<DeadLetterJob[]> {
    const fromMemory = this.memory.get(provider) ?? [];
    this.memory.delete(provider);
    const fromRedis = await this.shared(async (client) => {
      // MULTI/EXEC; node-redis rejects the whole exec if either command fails, so no reply is an error here.
      const [entries] = await client.multi().lRange(this.list(provider), 0, -1).del(this.list(provider)).execTyped();
      return entries.map(parseJob).filter((job): job is DeadLetterJob => job !== undefined).reverse();
    });
    return [...(fromRedis ?? []), ...fromMemory];
  }

  /** The parked jobs of a provider, oldest first, left in place. */
  async peek(provider: string): Promise<DeadLetterJob[]> {
    const fromRedis = await this.shared(async (client) =>
      (await client.lRange(this.list(provider), 0, -1)).map(parseJob).filter((job): job is DeadLetterJob => job !== undefined).reverse(),
    );
    return [...(fromRedis ?? []), ...(this.memory.get(provider) ?? [])];
  }

  /** How many jobs of a provider are parked: in Redis (when it answers) and in this instance. */
  async depth(provider: string): Promise<number> {
    const shared = await this.shared((client) => client.lLen(this.list(provider)));
    return (shared ?? 0) + this.inMemory(provider);
  }

  /** Jobs of a provider parked in this instance's memory. */
  inMemory(provider: string): number {
    return this.memory.get(provider)?.length ?? 0;
  }

  /** Drops the oldest job parked in memory, to make room; undefined when there is none. */
  dropOldestInMemory(provider: string): DeadLetterJob | undefined {
    return this.memory.get(provider)?.shift();
  }

  private memoryOf(provider: string): DeadLetterJob[] {
    let parked = this.memory.get(provider);
    if (!parked) this.memory.set(provider, (parked = []));
    return parked;
  }

  private discardInMemory(job: Pick<DeadLetterJob, 'provider' | 'capability' | 'key'>): void {
    const parked = this.memory.get(job.provider);
    if (!parked) return;
    const work = workOf(job);
    const kept = parked.filter((entry) => workOf(entry) !== work);
    if (kept.length !== parked.length) this.memory.set(job.provider, kept);
  }

  /** The Redis answer, or undefined when there is no Redis, it is not ready, or the command failed. */
  private async shared<T>(command: (client: RedisCommands) => Promise<T>): Promise<T | undefined> {
    if (!this.store || !(await sharedReady(this.store))) return undefined;
    try {
      const result = await command(this.store.client);
      this.store.health.up();
      return result;
    } catch (error) {
      this.store.health.down(error);
      return undefined;
    }
  }

  private list(provider: string): string {
    return `${this.prefix}:${provider}`;
  }
}
