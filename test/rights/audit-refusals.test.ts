import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { SHARED_REDIS_URL as REDIS_URL, useSharedRedisPrefix, type Closable } from '../support/shared-redis.js';
import { apiKeyEntry, post } from '../limits/support.js';

/**
 * A request refused whole by an abuse limit or a spent budget is a decision about its consumer,
 * and lands in the audit trail as REFUSED with the limit that refused it: over HTTP (parse and
 * validation limits, the body size, the per-minute budget) and over graphql-ws, read back by
 * `auditLog` through the gateway's Redis stream (127.0.0.1:6379; the stream and the consumer's
 * budgets under a prefix of this run's own, removed after it).
 */

const KEYS = { admin: 'mg_test_refusal_audit_admin_not_a_secret', acme: 'mg_test_refusal_audit_acme_not_a_secret' };
const RUN = randomUUID();
const opened: Closable[] = [];
const { prefix } = useSharedRedisPrefix('audit-refusals', opened);
// The prefix keeps this run's budgets and audit entries apart; a consumer of its own names them too.
const CONSUMER = `acme-${RUN.slice(0, 8)}`;
const DEEP = 'query Deep { search(query: "app") { company { financials { revenue } } } }';
let gateway: SpawnedGateway;

beforeAll(async () => {
  gateway = await spawnGateway({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    AUTH_API_KEYS: [apiKeyEntry(KEYS.admin, 'ops', 'admin'), apiKeyEntry(KEYS.acme, CONSUMER, 'basic')].join(','),
    LIMIT_MAX_DEPTH: '3',
    LIMIT_MAX_BODY_BYTES: '2048',
    THROTTLE_REQUESTS_PER_MIN: 'basic=2',
  });
  // Stopped after the file, before the keys under its prefix are removed.
  opened.push(gateway);
});

const acme = { 'x-api-key': KEYS.acme };

/** The first error code of a graphql-ws subscribe of `query` as acme. */
function subscribeAsAcme(query: string): Promise<string> {
  return new Promise((resolve) => {
    const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: acme });
    client.subscribe(
      { query, operationName: 'Live' },
      {
        next: () => resolve('next'),
        error: (error) => resolve((Array.isArray(error) ? (error[0] as { extensions?: { code?: string } }) : undefined)?.extensions?.code ?? 'error'),
        complete: () => void client.dispose(),
      },
    );
  });
}

describe('refused requests in the audit trail', () => {
  it('records each with its consumer, profile, operation and the limit that refused it', async () => {
    expect(await subscribeAsAcme('subscription Live { quotes(symbols: ["AAPL"]) { company { financials { revenue } } } }')).toBe('QUERY_TOO_COMPLEX');
    expect((await post(gateway.url, DEEP, undefined, acme)).status).toBe(400);
    expect((await post(gateway.url, `query Big { quote(symbol: "AAPL") { symbol } } # ${'x'.repeat(3000)}`, undefined, acme)).status).toBe(413);
    const statuses: number[] = [];
    for (let request = 0; request < 3; request++) statuses.push((await post(gateway.url, 'query Co { company(symbol: "AAPL") { symbol } }', undefined, acme)).status);
    expect(statuses).toEqual([200, 200, 429]);

    const { data, errors } = await post(gateway.url, 'query A($c: String) { auditLog(consumer: $c, limit: 50) { kind consumer profile allowed path limit } }', { c: CONSUMER }, { 'x-api-key': KEYS.admin });
    expect(errors).toBeUndefined();
    const refused = (data?.['auditLog'] as Array<Record<string, unknown>>).filter((entry) => entry['kind'] === 'REFUSED');
    // Newest first.
    expect(refused).toEqual([
      { kind: 'REFUSED', consumer: CONSUMER, profile: 'basic', allowed: false, path: 'Co', limit: 'requests' },
      { kind: 'REFUSED', consumer: CONSUMER, profile: 'basic', allowed: false, path: '', limit: 'maxBodyBytes' },
      { kind: 'REFUSED', consumer: CONSUMER, profile: 'basic', allowed: false, path: 'Deep', limit: 'maxDepth' },
      { kind: 'REFUSED', consumer: CONSUMER, profile: 'basic', allowed: false, path: 'Live', limit: 'maxDepth' },
    ]);
    // An answered request is no refusal, and one audit line per refusal reached the log as well.
    expect(gateway.logs.filter((line) => String(line['msg']).startsWith(`REFUSED ${CONSUMER}`))).toHaveLength(4);
  });
});
