import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256 } from '../auth/support.js';
import { apiKeyEntry } from '../support/api-keys.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeysSetting, KEYS } from './support.js';

/**
 * A stream honours exactly the rights of the equivalent query (issue 12 item 2): every profile,
 * over HTTP and over graphql-ws (the gateway serves no other streaming transport), read for the
 * quote fields that tell how fresh a price is. A consumer without QUOTES_REALTIME never receives
 * a quote with `delayed: false`, a `delayMinutes` under 15, or a `timestamp` newer than 15
 * minutes before the gateway's market clock at the moment it arrives; one with it gets live
 * prices. Times are compared with `gateway.now()`, the spawned gateway's market clock.
 */

const DELAY_MS = 15 * 60_000;
const SECRET = 'entitled-streams-test-secret-0123456789-abcdef';
const STREAMER_KEY = 'test-rights-key-streamer-basic-0001';
const STREAM_ONLY_KEY = 'test-rights-key-stream-only-0001';
/** The rights of the built-in basic profile (config/auth.ts), plus STREAMING. */
const BASIC_RIGHTS = ['QUOTES_DELAYED', 'COMPANY', 'SEARCH', 'HISTORY', 'PROVIDER_STATUS'];

interface WireQuote {
  readonly symbol: string;
  readonly price: number;
  readonly timestamp: string;
  readonly delayed: boolean;
  readonly delayMinutes: number;
}
interface WireError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

const FIELDS = 'symbol price timestamp delayed delayMinutes';
const HTTP_QUERY = `{ quote(symbol: "AAPL") { ${FIELDS} } quotes(symbols: ["MSFT", "NVDA"]) { ${FIELDS} } }`;
const SUBSCRIPTION = `subscription Live($symbols: [String!]!) { quotes(symbols: $symbols) { ${FIELDS} } }`;

let gateway: SpawnedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    SIM_TICK_MS: '50',
    AUTH_JWT_SECRET: SECRET,
    AUTH_PROFILES: JSON.stringify({ 'basic-streaming': [...BASIC_RIGHTS, 'STREAMING'], 'stream-only': ['STREAMING'] }),
    AUTH_API_KEYS: [apiKeysSetting(), apiKeyEntry(STREAMER_KEY, 'streamer', 'basic-streaming'), apiKeyEntry(STREAM_ONLY_KEY, 'stream-only', 'stream-only')].join(','),
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway?.stop();
});

/** Credentials as HTTP headers; graphql-ws takes the same names in `connection_init`. */
type Credentials = Record<string, string>;

/** What each consumer may see of quotes: `delayed`, `realtime`, or refused for want of a right. */
type Entitlement = 'delayed' | 'realtime' | { readonly forbidden: string };

interface Case {
  readonly who: string;
  readonly credentials: () => Promise<Credentials>;
  readonly http: Entitlement;
  readonly stream: Entitlement;
}

const key = (value: string) => async (): Promise<Credentials> => ({ 'x-api-key': value });
const CASES: readonly Case[] = [
  { who: 'public', credentials: key(KEYS.public), http: 'delayed', stream: { forbidden: 'STREAMING' } },
  { who: 'basic', credentials: key(KEYS.basic), http: 'delayed', stream: { forbidden: 'STREAMING' } },
  { who: 'basic + STREAMING by AUTH_PROFILES', credentials: key(STREAMER_KEY), http: 'delayed', stream: 'delayed' },
  {
    who: 'basic + STREAMING by the token `rights` claim',
    credentials: async () => ({ authorization: `Bearer ${await hs256({ secret: SECRET, sub: 'token-streamer', profile: 'basic', claims: { rights: ['STREAMING'] } })}` }),
    http: 'delayed',
    stream: 'delayed',
  },
  { who: 'STREAMING without any quote right', credentials: key(STREAM_ONLY_KEY), http: { forbidden: 'QUOTES_DELAYED' }, stream: { forbidden: 'QUOTES_DELAYED' } },
  { who: 'pro', credentials: key(KEYS.pro), http: 'realtime', stream: 'realtime' },
  { who: 'admin', credentials: key(KEYS.admin), http: 'realtime', stream: 'realtime' },
];

/** Every quote field checked against the entitlement, at `receivedAt` on the gateway's market clock. */
function expectEntitled(quote: WireQuote, entitlement: 'delayed' | 'realtime', receivedAt: number): void {
  const age = receivedAt - Date.parse(quote.timestamp);
  expect(quote.price).toBeGreaterThan(0);
  if (entitlement === 'delayed') {
    expect(quote, `${quote.symbol} must be delayed`).toMatchObject({ delayed: true });
    expect(quote.delayMinutes).toBeGreaterThanOrEqual(15);
    expect(age, `${quote.symbol} at ${quote.timestamp} is newer than 15 minutes before ${new Date(receivedAt).toISOString()}`).toBeGreaterThanOrEqual(DELAY_MS);
  } else {
    expect(quote).toMatchObject({ delayed: false, delayMinutes: 0 });
    // The simulated market's last tick: seconds old at most, never minutes.
    expect(age).toBeLessThan(60_000);
  }
}

async function overHttp(credentials: Credentials): Promise<{ data?: Record<string, unknown> | null; errors?: WireError[] }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...credentials }, body: JSON.stringify({ query: HTTP_QUERY }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: WireError[] };
}

/** The first `count` items of a subscription to `symbols`, each with the market time it arrived at; or the errors that refused it. */
function overWebSocket(credentials: Credentials, symbols: string[], count: number): Promise<{ items: Array<{ quote: WireQuote; at: number }> } | { errors: readonly WireError[] }> {
  const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: credentials });
  clients.push(client);
  const items: Array<{ quote: WireQuote; at: number }> = [];
  return new Promise((resolve, reject) => {
    const stop = client.subscribe<{ quotes: WireQuote }>(
      { query: SUBSCRIPTION, variables: { symbols } },
      {
        next: (result) => {
          if (result.errors) return resolve({ errors: result.errors as WireError[] });
          // Items already read from the socket in the same chunk still arrive after stop(): the
          // answer is the first `count`, not whatever the shared array holds by the time it is read.
          if (items.length >= count) return;
          if (result.data) items.push({ quote: result.data.quotes, at: gateway.now() });
          if (items.length >= count) {
            stop();
            resolve({ items: items.slice() });
          }
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error as WireError[] }) : reject(error instanceof Error ? error : new Error(JSON.stringify(error)))),
        complete: () => resolve({ items }),
      },
    );
  });
}

describe.each(CASES)('$who', ({ credentials, http, stream }) => {
  it(`over HTTP: ${typeof http === 'string' ? http : `FORBIDDEN (${http.forbidden})`}`, async () => {
    const { data, errors } = await overHttp(await credentials());
    const receivedAt = gateway.now();
    if (typeof http !== 'string') {
      expect(data).toEqual({ quote: null, quotes: null });
      expect(errors?.map((error) => [error.extensions?.['code'], error.extensions?.['right']])).toEqual([
        ['FORBIDDEN', http.forbidden],
        ['FORBIDDEN', http.forbidden],
      ]);
      return;
    }
    expect(errors).toBeUndefined();
    const quotes = [data?.['quote'], ...((data?.['quotes'] as WireQuote[] | undefined) ?? [])] as WireQuote[];
    expect(quotes.map((quote) => quote.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    for (const quote of quotes) expectEntitled(quote, http, receivedAt);
  });

  it(`over graphql-ws: ${typeof stream === 'string' ? stream : `FORBIDDEN (${stream.forbidden})`}`, async () => {
    // Several ticks of two symbols (SIM_TICK_MS=50): the snapshot and live items alike.
    const outcome = await overWebSocket(await credentials(), ['AAPL', 'MSFT'], 8);
    if (typeof stream !== 'string') {
      expect('errors' in outcome && outcome.errors.map((error) => [error.extensions?.['code'], error.extensions?.['right']])).toEqual([['FORBIDDEN', stream.forbidden]]);
      return;
    }
    if (!('items' in outcome)) throw new Error(`subscription refused: ${JSON.stringify(outcome.errors)}`);
    expect(outcome.items).toHaveLength(8);
    expect(new Set(outcome.items.map(({ quote }) => quote.symbol))).toEqual(new Set(['AAPL', 'MSFT']));
    for (const { quote, at } of outcome.items) expectEntitled(quote, stream, at);
    // Items of a symbol never go back in time, delayed or not.
    for (const symbol of ['AAPL', 'MSFT']) {
      const times = outcome.items.filter(({ quote }) => quote.symbol === symbol).map(({ quote }) => Date.parse(quote.timestamp));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});
