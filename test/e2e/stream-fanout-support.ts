import { hostname } from 'node:os';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveQuoteFeedDocument, type LiveQuoteFeedSubscription } from '../generated/graphql.js';
import { apiKeyEntry } from '../support/api-keys.js';
import { startFakeFinnhubStream, type FakeFinnhubStream } from '../support/fake-streams/finnhub.js';
import type { FakeConnection } from '../support/fake-streams/server.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { SHARED_REDIS_URL, uniquePrefix, type AdminRedis } from '../support/shared-redis.js';

/**
 * Two gateways on one Redis, Finnhub their only provider: REST quotes from a fake upstream, the
 * trades feed from ONE fake Finnhub websocket server, and graphql-ws clients that record what each
 * symbol brought them. Nothing here reads the calendar or the wall clock: trades are stamped from
 * a fixed origin and the feed ticks only when the test sends.
 */

/** The 20 symbols every client watches. */
export const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'AVGO', 'JPM', 'V', 'WMT', 'XOM', 'UNH', 'MA', 'PG', 'JNJ', 'HD', 'COST', 'ORCL', 'NFLX'];
export const CLIENTS_PER_GATEWAY = 50;

const FINNHUB_KEY = 'fanout-finnhub-key-not-a-secret';
const API_KEY = 'mg_test_fanout_pro_not_a_secret';
/** Trade times: a fixed origin, after the REST fixture's own stamp (2020) so no tick reads as older than the snapshot. */
const T0 = 1_700_000_000_000;
/** At most one round of trades this often while a test waits for deliveries: bounds the load on a busy machine. */
const ROUND_GAP_MS = 400;

export type LiveItem = LiveQuoteFeedSubscription['quotes'];

/** One graphql-ws client with one subscription to every symbol, as it saw it. */
export interface FanoutClient {
  readonly name: string;
  readonly client: Client;
  /** Newest `feed: STREAM` tick per symbol (its timestamp in ms). */
  readonly newestTick: Map<string, number>;
  /** Items that break the contract: not from Finnhub, not STREAM after the symbol's first item (the snapshot), older than a tick before. */
  readonly unexpected: string[];
  /** Errors inside `next` payloads. */
  readonly resultErrors: unknown[];
  failure: unknown;
  completed: boolean;
  items: number;
  /** The client leaving: graphql-ws sends `complete`. */
  unsubscribe(): void;
}

export interface Fanout {
  readonly prefix: string;
  readonly upstream: FakeUpstream;
  readonly feed: FakeFinnhubStream;
  readonly gateways: readonly SpawnedGateway[];
  readonly clients: Map<SpawnedGateway, FanoutClient[]>;
  /** Stamp of the newest round of trades sent. */
  readonly lastRound: () => number;
  /** Sends a round of trades (every symbol, one frame) unless one went out less than ROUND_GAP_MS ago. */
  tickIfDue(): void;
  /** Disposes every client, stops every gateway still running, closes the fakes. */
  close(): Promise<void>;
}

/** Starts the fakes and two gateways on `REDIS_PREFIX` = a fresh unique prefix, with STREAM_LEASE_MS = `leaseMs`. */
export async function startFanout(tag: string, leaseMs: number): Promise<Fanout> {
  const prefix = uniquePrefix(tag);
  const upstream = await startFakeUpstream();
  // One recorded Finnhub quote answers for every symbol: the stream needs a previous close per symbol, not distinct ones.
  upstream.on({ path: '/quote' }, { json: fixture('finnhub/quote-aapl.json') });
  const feed = await startFakeFinnhubStream({ keys: [FINNHUB_KEY] });
  const gateways: SpawnedGateway[] = [];
  const clients = new Map<SpawnedGateway, FanoutClient[]>();
  let round = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const fanout: Fanout = {
    prefix,
    upstream,
    feed,
    gateways,
    clients,
    lastRound: () => T0 + round * 1_000,
    tickIfDue() {
      if (performance.now() - lastSentAt < ROUND_GAP_MS) return;
      lastSentAt = performance.now();
      round += 1;
      feed.trades(SYMBOLS.map((s, index) => ({ s, p: 100 + index + (round % 100) / 100, t: T0 + round * 1_000 })));
    },
    async close() {
      await Promise.all([...clients.values()].flat().map((entry) => entry.client.dispose()));
      await Promise.all(gateways.map((gateway) => (running(gateway) ? gateway.stop() : undefined)));
      await Promise.all([feed.close(), upstream.close()]);
    },
  };
  const env = {
    PROVIDERS: 'finnhub',
    FINNHUB_API_KEY: FINNHUB_KEY,
    FINNHUB_BASE_URL: upstream.url,
    // Named explicitly: with FINNHUB_BASE_URL pointing at a fake, the config leaves the feed off otherwise.
    FINNHUB_WS_URL: feed.url,
    // Snapshots and baselines (one REST quote per watched symbol per owner) must never meet the free plan's 60/min.
    FINNHUB_QUOTA: '100000/min',
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    STREAM_LEASE_MS: String(leaseMs),
    AUTH_API_KEYS: apiKeyEntry(API_KEY, 'fanout-pro', 'pro'),
    // One consumer holds all 100 subscriptions (pro's default cap is 200; counted across instances or not, 1000 is room).
    LIMIT_SUBSCRIPTIONS_PER_CONSUMER: 'pro=1000',
  };
  try {
    // Spawned one by one: two cold starts at once on a 2-core machine only make both slower.
    for (const name of ['A', 'B']) {
      const gateway = await spawnGateway(env, 60_000).catch((error: unknown) => {
        throw new Error(`gateway ${name}: ${String(error)}`);
      });
      gateways.push(gateway);
      clients.set(gateway, []);
    }
  } catch (error) {
    await fanout.close();
    throw error;
  }
  return fanout;
}

/** Whether a spawned gateway still runs (SpawnedGateway.stop would wait forever for a killed one's exit). */
export function running(gateway: SpawnedGateway): boolean {
  return gateway.process.exitCode === null && gateway.process.signalCode === null;
}

/** Opens `count` graphql-ws clients on `gateway`, each subscribed to every symbol with the pro key. */
export function openClients(fanout: Fanout, gateway: SpawnedGateway, label: string, count = CLIENTS_PER_GATEWAY): FanoutClient[] {
  const opened = Array.from({ length: count }, (_, index) => openClient(gateway, `${label}#${index}`));
  fanout.clients.get(gateway)?.push(...opened);
  return opened;
}

function openClient(gateway: SpawnedGateway, name: string): FanoutClient {
  // Never reconnects: a closed socket shows as the failure it is.
  const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { 'x-api-key': API_KEY } });
  const seen = new Set<string>();
  const entry: FanoutClient = {
    name,
    client,
    newestTick: new Map(),
    unexpected: [],
    resultErrors: [],
    failure: undefined,
    completed: false,
    items: 0,
    unsubscribe: () => undefined,
  };
  entry.unsubscribe = client.subscribe<LiveQuoteFeedSubscription>(
    { query: print(LiveQuoteFeedDocument), variables: { symbols: SYMBOLS } },
    {
      next: (result) => {
        if (result.errors) entry.resultErrors.push(...result.errors);
        const item = result.data?.quotes;
        if (!item) return;
        entry.items += 1;
        // The first item of a symbol is its current REST quote (feed null); every later one a tick of the feed.
        const first = !seen.has(item.symbol);
        seen.add(item.symbol);
        if (item.source !== 'finnhub' || (!first && item.feed !== 'STREAM')) entry.unexpected.push(`${item.symbol} ${item.source} ${String(item.feed)}`);
        if (item.feed !== 'STREAM') return;
        const at = Date.parse(item.timestamp);
        const newest = entry.newestTick.get(item.symbol) ?? Number.NEGATIVE_INFINITY;
        // Whichever instance's feed it came through, a symbol's ticks never go back in time.
        if (at < newest) entry.unexpected.push(`${item.symbol} went back from ${newest} to ${at}`);
        else entry.newestTick.set(item.symbol, at);
      },
      error: (error) => {
        entry.failure = error;
      },
      complete: () => {
        entry.completed = true;
      },
    },
  );
  return entry;
}

/**
 * Sends rounds of trades (at most one per ROUND_GAP_MS) and answers what is still missing: the
 * clients that lack a STREAM tick newer than `since` for some symbol, or '' once none does. Meant
 * for expect.poll: each poll may tick, so a channel joined late still gets a round after it.
 */
export function lagging(fanout: Fanout, clients: readonly FanoutClient[], since: number): string {
  fanout.tickIfDue();
  const behind = clients.filter((entry) => SYMBOLS.some((symbol) => (entry.newestTick.get(symbol) ?? Number.NEGATIVE_INFINITY) <= since));
  if (behind.length === 0) return '';
  const first = behind[0] as FanoutClient;
  const missing = SYMBOLS.filter((symbol) => (first.newestTick.get(symbol) ?? Number.NEGATIVE_INFINITY) <= since);
  return `${behind.length} of ${clients.length} clients lag, e.g. ${first.name} (${first.items} items) on ${missing.join(',')}`;
}

/** What a client saw that it should not have: errors, an end, items off the contract. */
export function trouble(clients: readonly FanoutClient[]): string[] {
  return clients.flatMap((entry) => [
    ...(entry.failure === undefined ? [] : [`${entry.name} failed: ${failureText(entry.failure)}`]),
    ...(entry.completed ? [`${entry.name} completed`] : []),
    ...entry.resultErrors.map((error) => `${entry.name} error: ${JSON.stringify(error)}`),
    ...entry.unexpected.map((item) => `${entry.name} unexpected item: ${item}`),
  ]);
}

function failureText(failure: unknown): string {
  if (failure !== null && typeof failure === 'object' && 'code' in failure) return `close ${String(failure.code)}`;
  return JSON.stringify(failure);
}

/** Symbol → the token of its owner lease (`<prefix>:stream:owner:<SYMBOL>`), null where none is held. */
export async function owners(admin: AdminRedis, prefix: string): Promise<Map<string, string | null>> {
  const tokens = await admin.mGet(SYMBOLS.map((symbol) => `${prefix}:stream:owner:${symbol}`));
  return new Map(SYMBOLS.map((symbol, index) => [symbol, tokens[index] ?? null]));
}

/**
 * The gateway whose instance holds every lease, or undefined. A lease token starts with the
 * instance id, `<hostname>:<pid>:…` (app/live-quotes.ts), and the gateways run on this host.
 */
export function ownerOf(fanout: Fanout, tokens: ReadonlyMap<string, string | null>): SpawnedGateway | undefined {
  return fanout.gateways.find((gateway) => [...tokens.values()].every((token) => token?.startsWith(`${hostname()}:${gateway.process.pid}:`) === true));
}

/** The subscribe / unsubscribe messages one fake connection received, in order. */
export function requestsOn(connection: FakeConnection, type: 'subscribe' | 'unsubscribe'): string[] {
  return connection.received.flatMap((message) => {
    const request = message as { type?: unknown; symbol?: unknown };
    return request.type === type && typeof request.symbol === 'string' ? [request.symbol] : [];
  });
}
