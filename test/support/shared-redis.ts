import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';

/** The Redis every test shares (see DESIGN.md): each test file keeps to key prefixes of its own. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** What a test opens on Redis and must close (or stop: a spawned gateway) before its keys are removed. */
export type Closable = { close(): Promise<unknown> } | { stop(): Promise<unknown> };

async function closeAll(opened: Closable[]): Promise<void> {
  await Promise.all(opened.splice(0).map((item) => ('close' in item ? item.close() : item.stop())));
}

/**
 * A key prefix no other test, file or run uses, `mgtest:<tag>:<12 hex>`: the REDIS_PREFIX of a
 * spawned gateway (which puts every key family under it) or the prefix of a part built in the
 * test. Short enough for REDIS_PREFIX (64 characters) with a tag of up to 30.
 */
export function uniquePrefix(tag: string): string {
  return `mgtest:${tag}:${randomBytes(6).toString('hex')}`;
}

/** Every key under `prefix` (`<prefix>:*`), by SCAN, which never blocks the Redis others share. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    keys.push(...page);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(keys)];
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
    await closeAll(opened);
    await deleteKeys(admin, `${prefix()}:*`);
  });
  afterAll(() => {
    admin.disconnect();
  });
  return admin;
}

/**
 * One unique prefix (`uniquePrefix(tag)`) for a whole test file, for gateways it spawns with
 * `REDIS_PREFIX: prefix` and kept until the file ends: after the file, closes what is in `opened`
 * (stops gateways, whose last writes, such as audit entries drained at stop, must land first),
 * then deletes every key under the prefix, so a run leaves nothing in the shared Redis.
 */
export function useSharedRedisPrefix(tag: string, opened: Closable[]): { readonly prefix: string; readonly admin: Redis } {
  const prefix = uniquePrefix(tag);
  const admin = new Redis(SHARED_REDIS_URL, { lazyConnect: true });
  afterAll(async () => {
    try {
      await closeAll(opened);
      const keys = await keysUnder(admin, prefix);
      if (keys.length > 0) await admin.del(...keys);
    } finally {
      admin.disconnect();
    }
  });
  return { prefix, admin };
}
