import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';
import { deleteSharedKeys, SHARED_REDIS_URL, uniquePrefix } from '../support/shared-redis.js';

/**
 * Traces on a real gateway exporting to a real OTLP/HTTP receiver this test starts on loopback
 * (JSON, as the exporter sends it): the caller's `traceparent` is the parent of the operation's
 * span, the market read nests under it and each upstream attempt under the read, with what the
 * issue asks each to say; no provider is sent a trace header; log lines carry the trace id.
 */

interface OtlpAttribute { key: string; value: Record<string, unknown> }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: OtlpAttribute[]; status?: { code?: number } }

const spans: OtlpSpan[] = [];
let receiver: Server;
let receiverUrl: string;
let upstream: FakeUpstream;
let gateway: SpawnedGateway;
/** A second instance on the same Redis: what the first fetched, it finds in L2. */
let peer: SpawnedGateway;
const prefix = uniquePrefix('tracing');

function attributes(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]));
}

async function spansOf(traceId: string, count: number): Promise<OtlpSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = spans.filter((span) => span.traceId === traceId);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const TRACE = (n: number): string => `4bf92f3577b34da6a3ce929d0e0e47${String(n).padStart(2, '0')}`;
const PARENT = '00f067aa0ba902b7';
const traceparent = (n: number): Record<string, string> => ({ traceparent: `00-${TRACE(n)}-${PARENT}-01` });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote', query: { symbol: 'AAPL' } }, { json: fixture('fmp/stable/quote-aapl.json') });
  const [apple] = fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>;
  upstream.on({ path: '/stable/quote', query: { symbol: 'MSFT' } }, { json: [{ ...apple, symbol: 'MSFT' }] });
  upstream.on({ path: '/stable/quote', query: { symbol: 'MSFT' } }, { status: 503, fault: 'html' }, { times: 1 });
  const settings = {
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    RETRY_BASE_MS: '10',
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: prefix,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_SERVICE_NAME: 'marketgraph-test',
  };
  [gateway, peer] = await Promise.all([spawnGateway(settings), spawnGateway(settings)]);
});
afterAll(async () => {
  await Promise.all([gateway?.stop(), peer?.stop()]);
  await deleteSharedKeys(`${prefix}*`);
  await upstream?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('traces', () => {
  it('makes the caller’s span the parent of the operation, the read its child, the upstream attempt the read’s', async () => {
    const { errors } = await postQuery(gateway.url, 'query Apple { quote(symbol: "AAPL") { price } }', undefined, traceparent(1));
    expect(errors).toBeUndefined();
    const trace = await spansOf(TRACE(1), 3);
    const operation = trace.find((span) => span.name === 'query Apple');
    const read = trace.find((span) => span.name === 'market.read quote');
    const attempt = trace.find((span) => span.name === 'fmp quote');
    expect(operation).toMatchObject({ parentSpanId: PARENT, kind: 2 });
    expect(attributes(operation as OtlpSpan)).toMatchObject({
      'graphql.operation.name': 'Apple',
      'graphql.operation.type': 'query',
      'marketgraph.consumer.id': 'anonymous',
      'marketgraph.consumer.profile': 'admin',
      'marketgraph.cache': 'MISS',
    });
    expect(attributes(operation as OtlpSpan)['graphql.document.hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(read?.parentSpanId).toBe(operation?.spanId);
    expect(attributes(read as OtlpSpan)).toMatchObject({ 'marketgraph.kind': 'quote', 'marketgraph.symbols': 1, 'marketgraph.cache.misses': 1, 'marketgraph.flight.led': 1, 'marketgraph.flight.joined': 0 });
    expect(attempt).toMatchObject({ parentSpanId: read?.spanId, kind: 3 });
    expect(attributes(attempt as OtlpSpan)).toMatchObject({
      'marketgraph.provider': 'fmp',
      'marketgraph.capability': 'quote',
      'marketgraph.attempt': 1,
      'marketgraph.breaker': 'CLOSED',
      'marketgraph.key': '…0001',
      'http.response.status_code': 200,
    });
  });

  it('gives every upstream attempt a span of its own, with its failure', async () => {
    await postQuery(gateway.url, '{ quote(symbol: "MSFT") { price } }', undefined, traceparent(2));
    const attempts = (await spansOf(TRACE(2), 4)).filter((span) => span.name === 'fmp quote').map(attributes);
    expect(attempts.map((attempt) => [attempt['marketgraph.attempt'], attempt['http.response.status_code'], attempt['marketgraph.failure_kind']])).toEqual([
      [1, 503, 'UNAVAILABLE'],
      [2, 200, undefined],
    ]);
  });

  it('says how the response cache answered: HIT on the full path, then the answer lane, with no read at all', async () => {
    const query = 'query Cached { quote(symbol: "AAPL") { symbol } }';
    await postQuery(gateway.url, query, undefined, traceparent(3));
    await postQuery(gateway.url, query, undefined, traceparent(4));
    await postQuery(gateway.url, query, undefined, traceparent(5));
    // The lane's span ends last: once it is in, the hit's whole trace is too.
    const [lane] = await spansOf(TRACE(5), 1);
    const hit = spans.filter((span) => span.traceId === TRACE(4));
    expect(attributes(lane as OtlpSpan)['marketgraph.cache']).toBe('lane');
    expect(hit.map((span) => [span.name, attributes(span)['marketgraph.cache']])).toEqual([['query Cached', 'HIT']]);
  });

  it('says which cache tier answered: another instance finds the quote in L2 and calls no provider', async () => {
    const calls = upstream.count({ path: '/stable/quote' });
    // Another document than the first test's, so the shared response cache does not answer it whole.
    await postQuery(peer.url, '{ quote(symbol: "AAPL") { symbol price } }', undefined, traceparent(6));
    const trace = await spansOf(TRACE(6), 2);
    const read = trace.find((span) => span.name === 'market.read quote');
    expect(attributes(read as OtlpSpan)).toMatchObject({ 'marketgraph.cache.hits': 1, 'marketgraph.cache.misses': 0, 'marketgraph.cache.l2_lookups': 1, 'marketgraph.cache.l2_hits': 1 });
    expect(trace.some((span) => span.name === 'fmp quote')).toBe(false);
    expect(upstream.count({ path: '/stable/quote' })).toBe(calls);
  });

  it('sends no trace header to a provider, and logs the trace id', async () => {
    expect(upstream.requests.length).toBeGreaterThan(0);
    for (const request of upstream.requests) {
      expect(request.headers['traceparent']).toBeUndefined();
      expect(request.headers['tracestate']).toBeUndefined();
    }
    const logged = gateway.logs.filter((line) => line['trace_id'] === TRACE(1));
    expect(logged.length).toBeGreaterThan(0);
  });
});
