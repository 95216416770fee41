import { DeadLetterQueue, type DeadLetterQueueOptions } from '../resilience/dead-letters.js';
import type { RedisLink } from '../stores/redis-link.js';
import type { StoreLog } from '../stores/store-log.js';

export interface DeadLetterSettings {
  /** Delay before each retry of a failed refresh; after the last, the job is parked. */
  readonly retryDelaysMs: readonly number[];
  /** Most jobs per provider (queued plus parked in memory; the Redis list's length). */
  readonly maxPerProvider: number;
  /** With it, parked jobs live in one Redis list per provider that every instance shares. */
  readonly redis?: RedisLink | undefined;
  /** Namespace of those lists (`<REDIS_PREFIX>:dlq`): runs and deployments sharing one Redis keep apart by it. */
  readonly redisPrefix?: string | undefined;
}

/** What the queue does and tells, besides its store: the work itself and its outcomes. */
export type DeadLetterEvents = Pick<DeadLetterQueueOptions, 'run' | 'onParked' | 'onDropped' | 'onRecovered'>;

/**
 * The gateway's dead-letter queue. Redis, when configured, is reached over the instance's link
 * (closed by the stores stage, not the queue) and is never a reason for work to be lost: while it
 * is down, jobs are parked in memory and that is logged once, as is its return.
 */
export async function createDeadLetterQueue(settings: DeadLetterSettings, log: StoreLog, events: DeadLetterEvents): Promise<DeadLetterQueue> {
  const { redis } = settings;
  return new DeadLetterQueue({
    ...events,
    retryDelaysMs: settings.retryDelaysMs,
    maxPerProvider: settings.maxPerProvider,
    ...(redis ? { redis } : {}),
    ...(settings.redisPrefix === undefined ? {} : { prefix: settings.redisPrefix }),
    onStoreDown: (error) => log.warn({ err: error }, 'dead-letter store (Redis) unavailable: parking failed background work in this instance until it is back'),
    onStoreUp: () => log.info({}, 'dead-letter store (Redis) back: parked work is shared again'),
  });
}
