import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import { afterAll, afterEach } from 'vitest';
import { RedisLink } from '../../src/stores/redis-link.js';

/** A test's own plain connection to Redis, for looking at and planting keys (node-redis, as the gateway). */
export type AdminRedis = RedisClientType;

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

/**
 * A plain connection for a test (admin, probe): connecting from the start, commands queued until
 * it is up. `url` defaults to the shared Redis.
 */
export function adminRedis(url = SHARED_REDIS_URL): AdminRedis {
  const client = createClient({ url }) as AdminRedis;
  // A test that never uses it (all skipped) must not fail on its connection either.
  client.on('error', () => undefined);
  client.connect().catch(() => undefined);
  return client;
}

/** Closes a test's connection, whatever state it is in. */
export function closeAdmin(client: AdminRedis): void {
  if (client.isOpen) client.destroy();
}

/**
 * The gateway's own Redis link (src/stores/redis-link.ts) for a part built in a test, as the
 * stores stage makes it; close it after the part.
 */
export function openLink(url = SHARED_REDIS_URL, options: { readonly commandTimeoutMs?: number } = {}): RedisLink {
  return RedisLink.open({ url, ...options });
}

/** Every key under `prefix` (`<prefix>:*`), by SCAN, which never blocks the Redis others share. */
export async function keysUnder(client: AdminRedis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1_000 })) keys.push(...page);
  return [...new Set(keys)];
}

/** Deletes every key that fits `pattern` (a KEYS pattern, e.g. `mgtest:x:*`). */
export async function deleteKeys(client: AdminRedis, pattern: string): Promise<void> {
  const keys = await client.keys(pattern);
  if (keys.length > 0) await client.del(keys);
}

/** Deletes every key that fits `pattern` on the shared Redis, through a connection of its own. */
export async function deleteSharedKeys(pattern: string): Promise<void> {
  const client = adminRedis();
  try {
    await deleteKeys(client, pattern);
  } finally {
    closeAdmin(client);
  }
}

/**
 * Sets a test file up on the shared Redis: answers an admin connection for the file (for looking
 * at and planting keys), and after each test closes what the test put in `opened`, then deletes
 * the keys under `prefix()` + `:`. The prefix is read after each test, so a file may give each test
 * a prefix of its own. The connection is closed after the file.
 */
export function useSharedRedis(prefix: () => string, opened: Closable[]): AdminRedis {
  const admin = adminRedis();
  afterEach(async () => {
    await closeAll(opened);
    await deleteKeys(admin, `${prefix()}:*`);
  });
  afterAll(() => {
    closeAdmin(admin);
  });
  return admin;
}

/**
 * One unique prefix (`uniquePrefix(tag)`) for a whole test file, for gateways it spawns with
 * `REDIS_PREFIX: prefix` and kept until the file ends: after the file, closes what is in `opened`
 * (stops gateways, whose last writes, such as audit entries drained at stop, must land first),
 * then deletes every key under the prefix, so a run leaves nothing in the shared Redis.
 */
export function useSharedRedisPrefix(tag: string, opened: Closable[]): { readonly prefix: string; readonly admin: AdminRedis } {
  const prefix = uniquePrefix(tag);
  const admin = adminRedis();
  afterAll(async () => {
    try {
      await closeAll(opened);
      const keys = await keysUnder(admin, prefix);
      if (keys.length > 0) await admin.del(keys);
    } finally {
      closeAdmin(admin);
    }
  });
  return { prefix, admin };
}
