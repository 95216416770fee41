import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ownRedis } from '../cache/redis-server.js';
import { apiKeyEntry, post } from '../limits/support.js';
import { fixture, startFakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway } from '../support/gateway.js';
import { adminRedis, closeAdmin, type Closable } from '../support/shared-redis.js';

/**
 * One gateway instance holds two Redis connections whatever it does: one for commands, shared by
 * the L2 cache, quota windows, consumer budgets, the audit stream, dead letters and the cluster
 * flight, and one in subscribe mode (src/stores/redis-link.ts; the cluster flight listens on it). Counted with CLIENT LIST on a
 * redis-server of the test's own, after the gateway has used every one of those parts.
 */

const API_KEY = `mg_test_redis_conns_${randomBytes(8).toString('hex')}`;
const QUOTE = { path: '/stable/quote', query: { symbol: 'AAPL' } };

const opened: Closable[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await ('close' in item ? item.close() : item.stop());
});

describe('a gateway on Redis', () => {
  it('uses one command connection and one subscriber connection for every part, and closes both at stop', async () => {
    const redis = await ownRedis();
    await redis.start();
    opened.push({ close: () => redis.stop() });
    const admin = adminRedis(redis.url);
    opened.push({ close: async () => closeAdmin(admin) });
    const upstream = await startFakeUpstream();
    opened.push(upstream);
    // FMP answers AAPL once, then fails: the stale answer's refresh is parked as a dead letter.
    upstream.on(QUOTE, { status: 503, json: { 'Error Message': 'Service Unavailable' } });
    upstream.on(QUOTE, { json: fixture('fmp/stable/quote-aapl.json') }, { times: 1 });
    const gateway = await spawnGateway({
      PROVIDERS: 'fmp',
      FMP_BASE_URL: upstream.url,
      FMP_API_KEY: `test-key-${randomBytes(6).toString('hex')}`,
      AUTH_API_KEYS: apiKeyEntry(API_KEY, 'conns-consumer', 'admin'),
      REDIS_URL: redis.url,
      CACHE_TTL_QUOTES: '1',
      CACHE_STALE_QUOTES: '0',
      RETRY_MAX: '0',
      BREAKER_THRESHOLD: '100',
      DLQ_RETRY_DELAYS_MS: '10',
    });
    opened.push(gateway);
    const ask = (query: string) => post(gateway.url, query, undefined, { 'x-api-key': API_KEY });

    expect((await ask('{ quote(symbol: "AAPL") { symbol } }')).data).toEqual({ quote: { symbol: 'AAPL' } });
    await expect.poll(async () => ((await ask('{ quote(symbol: "AAPL") { stale } }')).data?.['quote'] as { stale?: boolean } | null)?.stale, { timeout: 10_000, interval: 200 }).toBe(true);
    await expect.poll(() => admin.exists('mg:dlq:fmp'), { timeout: 10_000 }).toBe(1);
    expect((await ask('{ auditLog(limit: 5) { kind } }')).data?.['auditLog']).not.toEqual([]);

    const own = await admin.clientId();
    const gatewayConnections = async () => (await admin.clientList()).filter((entry) => entry.id !== own);
    const connections = await gatewayConnections();
    expect(connections).toHaveLength(2);
    // Exactly one of them is the subscriber (flag P: a pub/sub client).
    expect(connections.filter((entry) => entry.flags.includes('P'))).toHaveLength(1);

    await gateway.stop();
    await expect.poll(async () => (await gatewayConnections()).length, { timeout: 5_000 }).toBe(0);
  });
});
