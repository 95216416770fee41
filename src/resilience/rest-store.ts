import { RedisScript } from '../stores/redis-script.js';
import { sharedReady, type SharedStore } from './window-counter.js';

/** Sets a rest unless a longer one is already there: two instances that hear 429s keep the later reset. */
const REST_SCRIPT = new RedisScript(`local left = redis.call('pttl', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('set', KEYS[1], '1', 'PX', ARGV[1]) end
return left`);

/**
 * Rests of rate-limited keys in Redis, so that one instance's 429 rests the key for every
 * instance. An entry `<prefix>:<id>:rest` lives exactly as long as the rest. Failures only mean
 * each instance rests its keys on its own, as without Redis: they are told, never thrown.
 */
export class RestStore {
  private pending: Promise<ReadonlyMap<string, number>> | undefined;

  constructor(
    private readonly store: SharedStore,
    private readonly prefix: string,
  ) {}

  rest(id: string, ms: number): void {
    void this.whenReady(async () => {
      await REST_SCRIPT.run(this.store.client, [this.entry(id)], [ms]);
      return new Map();
    });
  }

  /**
   * Milliseconds of rest left per resting id. Concurrent callers share one round trip (so pass the
   * same ids each time): a rest set meanwhile is seen by the next call, as soon as any view across
   * instances can be.
   */
  remaining(ids: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.pending ??= this.whenReady(async () => {
      // Sent in the same tick, so node-redis writes them as one pipeline; any failure fails the read.
      const replies = await Promise.all(ids.map((id) => this.store.client.pTTL(this.entry(id))));
      const resting = new Map<string, number>();
      replies.forEach((value, index) => {
        const id = ids[index];
        if (id !== undefined && value > 0) resting.set(id, value);
      });
      return resting;
    }).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async whenReady(command: () => Promise<ReadonlyMap<string, number>>): Promise<ReadonlyMap<string, number>> {
    if (!(await sharedReady(this.store))) return new Map();
    try {
      const result = await command();
      this.store.health.up();
      return result;
    } catch (error) {
      this.store.health.down(error);
      return new Map();
    }
  }

  private entry(id: string): string {
    return `${this.prefix}:${id}:rest`;
  }
}
