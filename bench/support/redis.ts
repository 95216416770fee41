// The shared Redis of the benches with more than one tier or instance: a key prefix of the run's
// own, so a bench never reads another run's (or a test's) entries, and its keys are removed after.
import { createClient } from '@redis/client';

export const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A prefix no other run uses. */
export function runPrefix(bench: string): string {
  return `mgbench:${bench}:${process.pid}:${Date.now().toString(36)}`;
}

/** Deletes every key under `prefix`; answers how many there were. */
export async function dropPrefix(prefix: string): Promise<number> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  let removed = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) removed += await redis.del(keys);
  }
  redis.destroy();
  return removed;
}
