import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { ownRedis, type OwnRedis } from '../cache/redis-server.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { adminRedis, closeAdmin } from '../support/shared-redis.js';

/**
 * Secrets never leak. A gateway runs with a key for every provider (two for some), a JWT secret
 * and API keys, at LOG_LEVEL=debug, against an upstream that answers every provider with a
 * failure whose body echoes the key it was sent (401, 403, an error JSON with 200, an
 * "Information" note, a 429, a 500 HTML page, a 404 echoing the URL) or never answers. A broad set
 * of operations follows, failing ones included: bad and forged tokens, wrong API keys, bad
 * symbols, limits broken, provider status with its keys, admin mutations, the audit log, a
 * subscription, then /metrics, /readyz and /healthz, and a graceful stop. No secret (nor a
 * distinctive piece of one) may appear in any response body or header, WebSocket message or close
 * reason, log line (stdout or stderr), or /metrics.
 */

const core = () => randomBytes(12).toString('hex');
const PROVIDER_KEYS = {
  ALPHAVANTAGE: [`avkey${core()}`],
  FMP: [`fmpkey${core()}`, `fmpkey${core()}`],
  POLYGON: [`polykey${core()}`],
  FINNHUB: [`fhkey${core()}`],
  TWELVEDATA: [`tdkey${core()}`, `tdkey${core()}`],
  FRED: [`fredkey${core()}`],
} as const;
const JWT_SECRET = `jwtsecret${core()}${core()}`;
const API_KEYS = { admin: `mgkeyadmin${core()}`, pro: `mgkeypro${core()}` };
/** Not configured: presented by a caller. Echoing it back or logging it would leak a credential too. */
const WRONG_API_KEY = `mgkeywrong${core()}`;
const FORGING_SECRET = `forger${core()}${core()}`;
/** The password of the gateway's Redis, in REDIS_URL. */
const REDIS_PASSWORD = `redispw${core()}`;

const SECRETS = [...Object.values(PROVIDER_KEYS).flat(), JWT_SECRET, API_KEYS.admin, API_KEYS.pro, WRONG_API_KEY, FORGING_SECRET, REDIS_PASSWORD];
/** Each secret whole, and a 12-character piece of its random part: a truncated key is still a leak. */
const NEEDLES = SECRETS.flatMap((secret) => [secret, secret.slice(-24, -12)]);

/** Everything the outside world saw of the gateway. */
const seen: string[] = [];
const record = (what: string, text: string): void => {
  seen.push(`${what}\n${text}`);
};

/** The key a provider request carried, wherever the adapter put it. */
function keyOf(request: IncomingMessage, url: URL): string {
  return (
    url.searchParams.get('apikey') ??
    url.searchParams.get('api_key') ??
    url.searchParams.get('token') ??
    (request.headers['x-finnhub-token'] as string | undefined) ??
    request.headers.authorization?.replace(/^(Bearer|apikey)\s+/i, '') ??
    'none'
  );
}

/**
 * Every provider answers with a failure that repeats its key, as careless real APIs do. A path
 * prefix per provider tells them apart (each `<NAME>_BASE_URL` points at its prefix).
 */
async function startEchoingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let calls = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    calls += 1;
    const url = new URL(request.url ?? '/', 'http://upstream.invalid');
    const key = keyOf(request, url);
    keysReceived.add(key);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const [, provider] = url.pathname.split('/');
    switch (provider) {
      case 'fmp':
        // Every other call: a 404 that quotes the whole URL, query string (and key) included.
        if (calls % 2 === 0) return json(404, { error: `No route for ${request.url}` });
        return json(401, { 'Error Message': `Invalid API KEY. Your key ${key} is not valid. Get one at https://example.invalid?apikey=${key}` });
      case 'polygon':
        return json(403, { status: 'NOT_AUTHORIZED', request_id: 'x', message: `The key ${key} is not entitled to this data.` });
      case 'finnhub':
        // Never answers: the call times out.
        return;
      case 'twelvedata':
        return json(200, { code: 401, message: `**apikey** parameter is incorrect: ${key}`, status: 'error' });
      case 'alphavantage':
        if (calls % 2 === 0) return json(429, { Note: `Thank you for using Alpha Vantage! Key ${key} is over its limit.` }, { 'retry-after': '1' });
        return json(200, { Information: `The API key ${key} is invalid or premium-only; see https://www.alphavantage.co/?apikey=${key}` });
      case 'fred':
        response.writeHead(500, { 'content-type': 'text/html' });
        response.end(`<html><body><h1>Internal error</h1><p>while serving ${request.url} for api_key=${key}</p></body></html>`);
        return;
      default:
        return json(404, { error: `unknown provider in ${request.url}` });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every key the upstream was sent (and echoed back in its failure). */
const keysReceived = new Set<string>();
let upstream: Awaited<ReturnType<typeof startEchoingUpstream>>;
let gateway: SpawnedGateway;
/** A password-protected redis-server of the test's own: cache, quotas, throttle and audit go through it. */
let redis: OwnRedis;

beforeAll(async () => {
  upstream = await startEchoingUpstream();
  redis = await ownRedis({ password: REDIS_PASSWORD });
  await redis.start();
  const providerEnv = Object.fromEntries(
    Object.entries(PROVIDER_KEYS).flatMap(([name, keys]) => [
      [`${name}_API_KEY`, keys.join(',')],
      [`${name}_BASE_URL`, `${upstream.url}/${name.toLowerCase()}`],
      [`${name}_TIMEOUT_MS`, '300'],
    ]),
  );
  gateway = await spawnGateway({
    ...providerEnv,
    PROVIDERS: 'fmp,polygon,finnhub,twelvedata,alphavantage,fred,simulated',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'debug',
    RETRY_MAX: '1',
    RETRY_BASE_MS: '10',
    RETRY_MAX_DELAY_MS: '20',
    CHAIN_BUDGET_MS: '4000',
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_API_KEYS: `${hashApiKey(API_KEYS.admin)}:ops:admin,${hashApiKey(API_KEYS.pro)}:acme:pro`,
    THROTTLE_REQUESTS_PER_MIN: 'public=1000,pro=1000,admin=1000',
    SIM_TICK_MS: '50',
  });
  // Everything the gateway prints from here on; what it printed while starting is in `logs`.
  gateway.process.stdout?.on('data', (chunk: Buffer) => record('stdout', chunk.toString()));
  gateway.process.stderr?.on('data', (chunk: Buffer) => record('stderr', chunk.toString()));
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  await redis?.stop();
});

/** Labels name the request without its credentials: only what the gateway sent back is searched. */
async function post(body: unknown, headers: Record<string, string> = {}, raw?: string): Promise<void> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw ?? JSON.stringify(body),
  });
  const label = JSON.stringify(body ?? raw ?? '').slice(0, 200);
  record(`POST ${label} (${Object.keys(headers).join(', ') || 'anonymous'}) → ${response.status}`, `${JSON.stringify([...response.headers])}\n${await response.text()}`);
}

async function get(path: string): Promise<string> {
  const response = await fetch(`${gateway.origin}${path}`);
  const text = await response.text();
  record(`GET ${new URL(path, 'http://x').pathname} → ${response.status}`, `${JSON.stringify([...response.headers])}\n${text}`);
  return text;
}

const token = (secret: string, claims: { sub: string; profile: string; expiresIn?: string }) =>
  new SignJWT({ rights_profile: claims.profile })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(secret));

const OPERATIONS = [
  '{ quote(symbol: "AAPL") { symbol price source fallbackFrom } }',
  '{ quotes(symbols: ["AAPL", "MSFT", "NOPE!", "ZZZZQ"]) { symbol price source } }',
  '{ company(symbol: "IBM") { name sector quote { price } financials(statement: INCOME, limit: 2) { fiscalDate } } }',
  '{ priceHistory(symbol: "AAPL", interval: WEEK) { date close } }',
  '{ financials(symbol: "MSFT", statement: BALANCE, period: QUARTERLY, limit: 3) { fiscalDate source } }',
  '{ search(query: "apple", limit: 5) { symbol name company { name } } }',
  '{ economicSeries(id: "GDP") { id title observations { date value } } }',
  '{ economicSeries(id: "NOPE-SERIES!") { id } }',
  '{ providers { id enabled breaker { state lastErrorKind } window { calls successRate } calls errors keys { key state remainingPerMinute remainingPerDay } deadLetters } }',
  'mutation { resetCircuitBreaker(provider: FMP) { id breaker { state } } }',
  'mutation { replayDeadLetters }',
  '{ auditLog(limit: 200) { kind consumer profile path provider capability outcome } }',
  '{ quote(symbol: "AAPL") { company { quote { company { quote { company { quote { company { quote { company { name } } } } } } } } } } }',
  '{ nope }',
  '{ quote(symbol: ',
];

describe('secrets', () => {
  it('appear in no response, header, WebSocket message, log line or metric, whatever is asked', async () => {
    const validAdmin = await token(JWT_SECRET, { sub: 'ops-token', profile: 'admin' });
    const expired = await token(JWT_SECRET, { sub: 'late', profile: 'pro', expiresIn: '-1h' });
    const forged = await token(FORGING_SECRET, { sub: 'mallory', profile: 'admin' });
    const callers: Array<Record<string, string>> = [
      {},
      { 'x-api-key': API_KEYS.admin },
      { 'x-api-key': API_KEYS.pro },
      { authorization: `Bearer ${validAdmin}` },
      { 'x-api-key': WRONG_API_KEY },
      { authorization: `Bearer ${expired}` },
      { authorization: `Bearer ${forged}` },
      { authorization: `Bearer ${API_KEYS.admin}` },
      { authorization: `Basic ${Buffer.from(`ops:${API_KEYS.admin}`).toString('base64')}` },
      { 'x-api-key': API_KEYS.admin, authorization: `Bearer ${validAdmin}` },
    ];
    // Twice over, so the second round meets open breakers, resting and retired keys and cached
    // answers; and without Redis, so its outage is logged too.
    for (let round = 0; round < 2; round++) {
      for (const headers of callers) {
        for (const query of OPERATIONS) await post({ query }, headers);
      }
      if (round === 0) {
        // The gateway did get into its Redis with the password (throttle counters are there).
        const client = adminRedis(`redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`);
        expect(await client.keys('mg:throttle:*')).not.toEqual([]);
        closeAdmin(client);
      }
      await redis.stop();
    }
    await post({ query: 'query Q($s: [String!]!) { quotes(symbols: $s) { symbol } }', variables: { s: Array.from({ length: 201 }, () => 'AAPL') } }, { 'x-api-key': API_KEYS.pro });
    await post(undefined, { 'x-api-key': API_KEYS.pro }, '{"query": "{ quote(symbol: \\"AAPL\\") { price } }"');
    await post({ query: '{ __typename }', variables: { padding: 'x'.repeat(1_100_000) } }, { 'x-api-key': API_KEYS.pro });

    // A subscription with a good key, and connections with a wrong key and a forged token.
    const subscriptions: Array<[Record<string, string>, string[]]> = [
      [{ 'x-api-key': API_KEYS.pro }, ['AAPL']],
      [{ 'x-api-key': API_KEYS.pro }, ['AAPL', 'NOPE!']],
      [{ 'x-api-key': WRONG_API_KEY }, ['AAPL']],
      [{ authorization: `Bearer ${forged}` }, ['AAPL']],
    ];
    for (const [params, symbols] of subscriptions) {
      await new Promise<void>((resolve) => {
        const client = createClient({
          url: gateway.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: params,
          on: { closed: (event) => record('ws closed', JSON.stringify({ code: (event as { code?: number }).code, reason: (event as { reason?: string }).reason })) },
        });
        let messages = 0;
        const done = (): void => {
          void client.dispose();
          resolve();
        };
        client.subscribe(
          { query: 'subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price source } }', variables: { symbols } },
          {
            next: (message) => {
              record('ws next', JSON.stringify(message));
              if (++messages >= 3) done();
            },
            error: (error) => {
              record('ws error', JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})));
              done();
            },
            complete: done,
          },
        );
      });
    }

    const metrics = await get('/metrics');
    await get('/readyz');
    await get('/healthz');
    await get('/');
    await get('/nowhere?apikey=' + WRONG_API_KEY);
    await gateway.stop();
    for (const entry of gateway.logs) record('log line', JSON.stringify(entry));

    // The run did reach every provider with every key and had them echoed back, or the
    // assertion below would prove little.
    expect([...keysReceived].filter((key) => key !== 'none').sort()).toEqual(Object.values(PROVIDER_KEYS).flat().sort());
    expect(metrics).toMatch(/provider_requests_total\{[^}]*provider="fmp"/);
    for (const provider of ['polygon', 'twelvedata', 'alphavantage', 'finnhub']) expect(metrics).toContain(`provider="${provider}"`);
    const everything = seen.join('\n');
    expect(everything).toMatch(/UNAUTHENTICATED/);
    expect(everything).toMatch(/QUERY_TOO_COMPLEX/);
    // Redis was used, then went away, and the gateway said so.
    expect(everything).toMatch(/Redis[^\n]*(unavailable|down|unreachable)/i);
    // Debug lines were printed (a live feed's start is one).
    expect(everything).toMatch(/"level":20[^\n]*live feed started/);

    const leaks = seen.flatMap((entry) => NEEDLES.filter((needle) => entry.includes(needle)).map((needle) => `${needle} in: ${entry.slice(0, 400)}`));
    expect(leaks).toEqual([]);
  }, 120_000);

  it('appear in no start-up refusal of a bad setting', async () => {
    const short = `short${core()}`.slice(0, 20);
    const raw = `mgkeyraw${core()}`;
    const settings: Array<Record<string, string>> = [
      // Too short a secret; a raw key where its SHA-256 belongs; a key whose profile does not exist.
      { AUTH_JWT_SECRET: short },
      { AUTH_API_KEYS: `${raw}:acme:pro` },
      { AUTH_API_KEYS: `${hashApiKey(raw)}:acme:nosuchprofile`, AUTH_JWT_SECRET: JWT_SECRET },
    ];
    for (const env of settings) {
      const refusal = await spawnGateway(env, 10_000).then(
        async (started) => {
          await started.stop();
          return 'started';
        },
        (error: unknown) => String(error),
      );
      expect(refusal).toMatch(/Invalid AUTH_/);
      for (const secret of [short, raw, JWT_SECRET, hashApiKey(raw)]) expect(refusal).not.toContain(secret);
    }
  }, 60_000);
});
