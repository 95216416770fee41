import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotesDocument } from '../generated/graphql.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest, type Reply } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { SNAPSHOT_PATH as SNAPSHOT, serveSnapshot } from '../support/fake-polygon.js';
import { execute, type GraphQLResponse } from '../support/graphql-client.js';
import { symbolsFrom } from '../support/symbols.js';

/**
 * The built gateway splits one loader batch into chunks of the provider's batch size (Alpha
 * Vantage bulk quotes 100, Polygon snapshot 250, FMP batch quotes 100, Finnhub 1), sends them a
 * few at a time, lets a failed chunk fail only its own symbols, and lets concurrent requests share
 * the calls in flight. Everything is counted at a fake upstream over HTTP.
 */

const KEY = 'test-key-0001';
/** Chunks of one batch the gateway keeps in flight at once by default (BATCH_CONCURRENCY). */
const CHUNK_CONCURRENCY = 4;

interface ListAnswer {
  readonly [alias: string]: ReadonlyArray<{ readonly symbol: string; readonly price: number } | null>;
}

/**
 * One operation with one `quotes` field per list, aliased `l0`, `l1`, …: a list holds at most 200
 * symbols, and aliases are how a client asks more in one request, so the gateway's loader sees
 * them all as one batch.
 */
function aliasedQuotes(lists: readonly string[][]): TypedDocumentNode<ListAnswer, Record<string, never>> {
  const fields = lists.map((list, index) => `l${index}: quotes(symbols: ${JSON.stringify(list)}) { symbol price }`);
  return parse(`query Many { ${fields.join(' ')} }`) as TypedDocumentNode<ListAnswer, Record<string, never>>;
}

/** Alpha Vantage REALTIME_BULK_QUOTES rows for the asked symbols; `omit` are left out as unknown upstream. */
function bulkQuotes(request: RecordedRequest, omit: (symbol: string) => boolean = () => false): Reply {
  const asked = (request.query['symbol'] ?? '').split(',');
  const data = asked.filter((symbol) => !omit(symbol)).map((symbol, index) => ({
    symbol,
    timestamp: '2024-10-30 15:59:59.000',
    open: '100',
    high: '110',
    low: '90',
    close: String(100 + index),
    volume: '1000',
    previous_close: '99',
    change: '1',
    change_percent: '1.0101',
  }));
  return { json: { endpoint: 'Realtime Bulk Quotes', message: 'success', data } };
}

/** Every symbol of every REALTIME_BULK_QUOTES call, one list per call. */
function bulkCalls(upstream: FakeUpstream): string[][] {
  return upstream.requests
    .filter((request) => request.query['function'] === 'REALTIME_BULK_QUOTES')
    .map((request) => (request.query['symbol'] ?? '').split(','));
}

const flat = (answer: ListAnswer | null | undefined): Array<{ symbol: string; price: number } | null> => Object.values(answer ?? {}).flat();

function errorsAt(response: GraphQLResponse<unknown>): Map<string, string | undefined> {
  return new Map((response.errors ?? []).map((error) => [JSON.stringify(error.path), error.extensions?.['code'] as string | undefined]));
}

describe('a gateway on Alpha Vantage premium (bulk quotes, 100 a call)', () => {
  let upstream: FakeUpstream;
  let gateway: SpawnedGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.on({ path: '/query', query: { function: 'REALTIME_BULK_QUOTES' } }, (request) => bulkQuotes(request));
    gateway = await spawnGateway({
      PROVIDERS: 'alphavantage',
      ALPHAVANTAGE_API_KEY: KEY,
      ALPHAVANTAGE_BASE_URL: upstream.url,
      ALPHAVANTAGE_PREMIUM: 'true',
      // The free tier's 25 a day would ration this suite, and a retry would hide which chunk failed.
      ALPHAVANTAGE_QUOTA: '100000/min',
      ALPHAVANTAGE_RETRY_MAX: '0',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('answers 250 symbols of one request from 3 bulk calls of at most 100, each symbol asked once', async () => {
    upstream.reset();
    upstream.on({ path: '/query', query: { function: 'REALTIME_BULK_QUOTES' } }, (request) => bulkQuotes(request));
    const symbols = symbolsFrom('A', 250);
    const response = await execute(gateway.url, aliasedQuotes([symbols.slice(0, 200), symbols.slice(200)]));

    expect(response.errors).toBeUndefined();
    expect(flat(response.data).map((quote) => quote?.symbol)).toEqual(symbols);
    const calls = bulkCalls(upstream);
    expect(calls.map((call) => call.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(calls.flat().sort()).toEqual([...symbols].sort());
  });

  it('fails only the symbols a chunk could not answer: omitted ones NOT_FOUND, a 503 chunk’s PROVIDER_UNAVAILABLE', async () => {
    upstream.reset();
    const symbols = symbolsFrom('B', 250);
    // The chunk carrying B150 (the second of three) answers 503; the others leave out B7 and B230.
    const omitted = new Set(['B7', 'B230']);
    upstream.on({ path: '/query', query: { function: 'REALTIME_BULK_QUOTES' } }, (request) =>
      (request.query['symbol'] ?? '').split(',').includes('B150')
        ? { status: 503, json: { error: 'upstream busy' } }
        : bulkQuotes(request, (symbol) => omitted.has(symbol)),
    );
    const response = await execute(gateway.url, aliasedQuotes([symbols.slice(0, 200), symbols.slice(200)]));

    const calls = bulkCalls(upstream);
    expect(calls).toHaveLength(3);
    const failedChunk = new Set(calls.find((call) => call.includes('B150')));
    expect(failedChunk.size).toBe(100);

    const pathOf = (symbol: string): string => {
      const index = symbols.indexOf(symbol);
      return JSON.stringify(index < 200 ? ['l0', index] : ['l1', index - 200]);
    };
    const expectedErrors = new Map<string, string>();
    for (const symbol of failedChunk) expectedErrors.set(pathOf(symbol), 'PROVIDER_UNAVAILABLE');
    for (const symbol of omitted) expectedErrors.set(pathOf(symbol), 'NOT_FOUND');
    expect(errorsAt(response)).toEqual(expectedErrors);

    const answers = flat(response.data);
    symbols.forEach((symbol, index) => {
      if (failedChunk.has(symbol) || omitted.has(symbol)) expect(answers[index]).toBeNull();
      else expect(answers[index]?.symbol).toBe(symbol);
    });
    expect(answers.filter((answer) => answer !== null)).toHaveLength(250 - 100 - 2);
  });

  it('lets two concurrent requests for overlapping symbols share the calls in flight: each symbol fetched once', async () => {
    upstream.reset();
    // Every bulk call is held until the test lets them go: the second request is sent once the first
    // one's call is out, and the calls answered once the second one's own call is out too (a
    // second request that did not share would be asking for 60 symbols, not 30).
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    upstream.on({ path: '/query', query: { function: 'REALTIME_BULK_QUOTES' } }, (request) => ({ ...bulkQuotes(request), gate }));
    const first = symbolsFrom('C', 60);
    const second = symbolsFrom('C', 60, 30);
    const answeringOne = execute(gateway.url, QuotesDocument, { symbols: first });
    await expect.poll(() => bulkCalls(upstream).flat().length, { timeout: 5_000, interval: 5 }).toBe(60);
    const answeringTwo = execute(gateway.url, QuotesDocument, { symbols: second });
    await expect.poll(() => bulkCalls(upstream).length, { timeout: 5_000, interval: 5 }).toBe(2);
    release();
    const [one, two] = await Promise.all([answeringOne, answeringTwo]);

    expect(one.errors).toBeUndefined();
    expect(two.errors).toBeUndefined();
    expect(one.data?.quotes?.map((quote) => quote?.symbol)).toEqual(first);
    expect(two.data?.quotes?.map((quote) => quote?.symbol)).toEqual(second);
    const asked = bulkCalls(upstream).flat();
    expect(asked).toHaveLength(90);
    expect(new Set(asked).size).toBe(90);
  });
});

describe('a gateway on a paid Polygon plan (snapshot, 250 a call)', () => {
  let upstream: FakeUpstream;
  let gateway: SpawnedGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    serveSnapshot(upstream);
    gateway = await spawnGateway({ PROVIDERS: 'polygon', POLYGON_API_KEY: KEY, POLYGON_BASE_URL: upstream.url, POLYGON_QUOTA: '100000/min' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('answers 600 symbols of one request from 3 snapshot calls of at most 250', async () => {
    const symbols = symbolsFrom('P', 600);
    const response = await execute(gateway.url, aliasedQuotes([symbols.slice(0, 200), symbols.slice(200, 400), symbols.slice(400)]));

    expect(response.errors).toBeUndefined();
    expect(flat(response.data).map((quote) => quote?.symbol)).toEqual(symbols);
    const calls = upstream.requests.filter((request) => request.path === SNAPSHOT).map((request) => (request.query['tickers'] ?? '').split(','));
    expect(calls.map((call) => call.length).sort((a, b) => b - a)).toEqual([250, 250, 100]);
    expect(calls.flat().sort()).toEqual([...symbols].sort());
  });
});

describe('a gateway on FMP with batch quotes (100 a call)', () => {
  let upstream: FakeUpstream;
  let gateway: SpawnedGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.on({ path: '/stable/batch-quote' }, (request) => ({
      json: (request.query['symbols'] ?? '').split(',').map((symbol, index) => ({
        symbol,
        name: `${symbol} Inc.`,
        price: 20 + index,
        changePercentage: 1,
        change: 0.2,
        volume: 1000,
        dayLow: 19,
        dayHigh: 21,
        open: 20,
        previousClose: 19.8,
        exchange: 'NASDAQ',
        timestamp: 1738702801,
      })),
    }));
    gateway = await spawnGateway({ PROVIDERS: 'fmp', FMP_API_KEY: KEY, FMP_BASE_URL: upstream.url, FMP_BATCH_QUOTES: 'true', FMP_QUOTA: '100000/min' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  // FMP's adapter splits an oversized batch itself too (fmp/batch.ts): this holds the whole path to
  // the provider's limit, the Alpha Vantage and Polygon cases above hold the service's own split.
  it('answers 150 symbols from 2 batch-quote calls of at most 100', async () => {
    const symbols = symbolsFrom('M', 150);
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols });

    expect(errors).toBeUndefined();
    expect(data?.quotes?.map((quote) => quote?.symbol)).toEqual(symbols);
    const calls = upstream.requests.filter((request) => request.path === '/stable/batch-quote').map((request) => (request.query['symbols'] ?? '').split(','));
    expect(calls.map((call) => call.length).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(calls.flat().sort()).toEqual([...symbols].sort());
  });
});

describe('a gateway on Finnhub (one symbol a call)', () => {
  /** Long enough that calls sent together overlap at the upstream even on a busy machine. */
  const LATENCY_MS = 150;
  let upstream: FakeUpstream;
  let gateway: SpawnedGateway;
  /** The same, with FINNHUB_BATCH_CONCURRENCY=8. */
  let wider: SpawnedGateway;
  /** When each /quote call arrived; each is answered LATENCY_MS later. */
  let arrivals: number[] = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    upstream.on({ path: '/quote' }, () => {
      arrivals.push(performance.now());
      return { json: { c: 10, d: 0.1, dp: 1, h: 11, l: 9, o: 10, pc: 9.9, t: 1582641000 }, delayMs: LATENCY_MS };
    });
    const finnhub = { PROVIDERS: 'finnhub', FINNHUB_API_KEY: KEY, FINNHUB_BASE_URL: upstream.url, FINNHUB_QUOTA: '100000/min' };
    [gateway, wider] = await Promise.all([spawnGateway(finnhub), spawnGateway({ ...finnhub, FINNHUB_BATCH_CONCURRENCY: '8' })]);
  });
  afterAll(async () => {
    await Promise.all([gateway?.stop(), wider?.stop()]);
    await upstream?.close();
  });

  /** Most calls open at one moment: each is open from its arrival until its answer LATENCY_MS later. */
  function maxInFlight(): number {
    const edges = arrivals.flatMap((at) => [
      { at, step: 1 },
      { at: at + LATENCY_MS, step: -1 },
    ]);
    // An answer and the call it frees happen in that order, so at equal times the close comes first.
    edges.sort((a, b) => a.at - b.at || a.step - b.step);
    let open = 0;
    let most = 0;
    for (const edge of edges) {
      open += edge.step;
      most = Math.max(most, open);
    }
    return most;
  }

  it(`answers 40 symbols with one call each, at most ${CHUNK_CONCURRENCY} in flight at once`, async () => {
    arrivals = [];
    const symbols = symbolsFrom('F', 40);
    const { data, errors } = await execute(gateway.url, QuotesDocument, { symbols });

    expect(errors).toBeUndefined();
    expect(data?.quotes?.map((quote) => quote?.symbol)).toEqual(symbols);
    expect(upstream.requests.filter((request) => request.path === '/quote').map((request) => request.query['symbol']).sort()).toEqual([...symbols].sort());
    // Bounded: never more than the limit at once; and parallel: the limit is reached.
    expect(maxInFlight()).toBe(CHUNK_CONCURRENCY);
  });

  it('keeps as many in flight as FINNHUB_BATCH_CONCURRENCY says', async () => {
    arrivals = [];
    const symbols = symbolsFrom('W', 40);
    const { data, errors } = await execute(wider.url, QuotesDocument, { symbols });

    expect(errors).toBeUndefined();
    expect(data?.quotes?.map((quote) => quote?.symbol)).toEqual(symbols);
    expect(maxInFlight()).toBe(8);
  });
});
