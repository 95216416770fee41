import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// Loaded on the first connection, not at import: a gateway without REDIS_URL never pays ioredis's
// start-up. It is CommonJS, so `require` keeps connectLazily synchronous for its callers.
const require = createRequire(import.meta.url);

/**
 * A Redis client for a part that must never fail, or wait long, because Redis is away (quota
 * pools, the dead-letter queue): it connects on first use, never queues commands while offline
 * (they fail at once and the part falls back to memory), and keeps reconnecting in the background.
 */
export function connectLazily(url: string, options: { readonly commandTimeoutMs?: number } = {}): Redis {
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const client = new RedisClient(url, {
    lazyConnect: true,
    // A command that cannot be sent now fails at once, and the caller falls back to memory.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Keep trying in the background, at most every 5 s, for as long as the gateway runs.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  // Outages are told by the part using it, once each way; without a listener ioredis would print every retry.
  client.on('error', () => undefined);
  return client;
}
