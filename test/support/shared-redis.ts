import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';

/** The Redis every test shares (see DESIGN.md): each test file keeps to key prefixes of its own. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** What a test opens on Redis and must close before its keys are removed. */
export interface Closable {
  close(): Promise<unknown>;
}

/** Deletes every key that fits `pattern` (a KEYS pattern, e.g. `mgtest:x:*`). */
export async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  const keys = await client.keys(pattern);
  if (keys.length > 0) await client.del(...keys);
}

/** Deletes every key that fits `pattern` on the shared Redis, through a connection of its own. */
export async function deleteSharedKeys(pattern: string): Promise<void> {
  const client = new Redis(SHARED_REDIS_URL);
  try {
    await deleteKeys(client, pattern);
  } finally {
    client.disconnect();
  }
}

/**
 * Sets a test file up on the shared Redis: answers an admin connection for the file (for looking
 * at and planting keys), and after each test closes what the test put in `opened`, then deletes
 * the keys under `prefix()` + `:`. The prefix is read after each test, so a file may give each test
 * a prefix of its own. The connection is made by its first command (lazyConnect), so a file whose
 * tests are all skipped opens none; it is closed after the file.
 */
export function useSharedRedis(prefix: () => string, opened: Closable[]): Redis {
  const admin = new Redis(SHARED_REDIS_URL, { lazyConnect: true });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
    await deleteKeys(admin, `${prefix()}:*`);
  });
  afterAll(() => {
    admin.disconnect();
  });
  return admin;
}
