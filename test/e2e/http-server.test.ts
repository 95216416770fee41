import { connect } from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { HttpLogSentinelDocument, HttpObservedProbeDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * The HTTP surface around GraphQL, on a gateway started as a developer would (NODE_ENV=development):
 * probes, metrics, the Sandbox landing page, CSRF prevention, body limits, unknown paths, and the
 * one log line per operation.
 */

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway({ NODE_ENV: 'development' });
});
afterAll(async () => {
  await gateway?.stop();
});

const QUERY = '{ __typename }';
const CSRF_MESSAGE = /Cross-Site Request Forgery/;

async function getGraphQL(query: string, headers: Record<string, string> = {}, variables?: unknown): Promise<Response> {
  const url = new URL(gateway.url);
  url.searchParams.set('query', query);
  if (variables !== undefined) url.searchParams.set('variables', JSON.stringify(variables));
  return fetch(url, { headers });
}

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('start-up', () => {
  it('prints one summary line naming the URL, the providers with their capabilities and the cache', () => {
    const summaries = gateway.logs.filter((entry) => String(entry['msg']).startsWith('marketgraph ready'));
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary).toMatchObject({ port: gateway.port, providers: ['simulated'], cache: 'memory', url: gateway.url });
    expect(summary?.['msg']).toBe(
      `marketgraph ready at ${gateway.url} · providers: simulated (quote, history, profile, statements, search, stream) · cache: memory`,
    );
  });
});

describe('probes', () => {
  it('GET /healthz is 200', async () => {
    const response = await fetch(`${gateway.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 and names the providers and the cache', async () => {
    const response = await fetch(`${gateway.origin}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ status: 'ready', providers: ['simulated'], cache: 'memory' });
  });

  it('an unknown path is a 404 with a JSON body pointing at /graphql', async () => {
    const response = await fetch(`${gateway.origin}/no/such/path`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: string };
    expect(body.error).toMatch(/\/graphql/);
  });
});

describe('observability', () => {
  it('GET /metrics is Prometheus text with process metrics and a sample for a named operation', async () => {
    const { errors } = await execute(gateway.url, HttpObservedProbeDocument, {});
    expect(errors).toBeUndefined();
    const response = await fetch(`${gateway.origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^# TYPE graphql_operations_total counter$/m);
    expect(text).toMatch(/^graphql_operations_total\{operation="HttpObservedProbe",type="query",status="ok"\} 1$/m);
    expect(text).toMatch(/^graphql_operation_duration_seconds_count\{operation="HttpObservedProbe",type="query"\} 1$/m);
  });

  it('logs exactly one JSON line per operation, with its name and duration', async () => {
    const operation = 'HttpLogProbe';
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query ${operation} { providers { id } }` }),
    });
    expect(response.status).toBe(200);
    // Lines arrive in order: once the sentinel's line is in, every line of the probe is too.
    await execute(gateway.url, HttpLogSentinelDocument, {});
    await waitFor(() => gateway.logs.find((line) => line['operation'] === 'HttpLogSentinel'), 'the sentinel log line');
    const lines = gateway.logs.filter((line) => line['operation'] === operation);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ operation, type: 'query', status: 'ok', httpStatus: 200, msg: 'graphql request' });
    expect(typeof lines[0]?.['durationMs']).toBe('number');
    expect(lines[0]?.['durationMs'] as number).toBeGreaterThanOrEqual(0);
  });
});

describe('Sandbox landing page (development)', () => {
  it('GET /graphql from a browser serves Apollo Sandbox as HTML', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/^\s*<!DOCTYPE html>/i);
    expect(html).toContain('embeddable-sandbox');
  });
});

describe('CSRF prevention (Apollo csrfPrevention)', () => {
  // Apollo executes a request only if it could not have been sent by a plain HTML form or <img>:
  // it must carry a Content-Type other than text/plain, application/x-www-form-urlencoded and
  // multipart/form-data, or a non-empty `apollo-require-preflight` / `x-apollo-operation-name`.
  it('refuses a simple GET (no Content-Type, no preflight header)', async () => {
    const response = await getGraphQL(QUERY);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]?.message).toMatch(CSRF_MESSAGE);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])('refuses a GET with Content-Type %s', async (contentType) => {
    const response = await getGraphQL(QUERY, { 'content-type': contentType });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(CSRF_MESSAGE);
  });

  it.each([
    ['apollo-require-preflight', { 'apollo-require-preflight': 'true' }],
    ['x-apollo-operation-name', { 'x-apollo-operation-name': 'Q' }],
    ['content-type: application/json', { 'content-type': 'application/json' }],
  ])('executes a GET with %s, variables included', async (_name, headers) => {
    const response = await getGraphQL('query Q($s: String!) { quote(symbol: $s) { symbol } }', headers, { s: 'aapl' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { quote: { symbol: 'AAPL' } } });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a POST with Content-Type %s even when the body is GraphQL JSON',
    async (contentType) => {
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ query: QUERY }) });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(CSRF_MESSAGE);
    },
  );
});

describe('request bodies', () => {
  const twoMegabytes = JSON.stringify({ query: QUERY, variables: { padding: 'x'.repeat(2 * 1024 * 1024) } });

  it('a 2 MB body is a 413 with a JSON GraphQL error', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: twoMegabytes });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors).toHaveLength(1);
    // A limit the client broke: BAD_USER_INPUT, with the limit named (LIMIT_MAX_BODY_BYTES).
    expect(body.errors[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'maxBodyBytes', max: 1024 * 1024 });
    expect(body.errors[0]?.message).toMatch(/exceeds \d+ bytes/);
  });

  it('a 2 MB chunked body (no Content-Length) is a 413, and the connection still serves the next request', async () => {
    // One raw keep-alive connection, so the second request provably travels on the same socket.
    const socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (text: string) => (received += text));
    try {
      socket.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      for (let offset = 0; offset < twoMegabytes.length; offset += 64 * 1024) {
        const part = twoMegabytes.slice(offset, offset + 64 * 1024);
        socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
      }
      socket.write('0\r\n\r\n');
      await waitFor(() => (/^HTTP\/1\.1 413 /.test(received) && received.includes('"maxBodyBytes"') ? true : undefined), 'the 413', 5_000);

      const next = JSON.stringify({ query: QUERY });
      socket.write(`POST /graphql HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(next)}\r\n\r\n${next}`);
      await waitFor(() => (received.includes('{"data":{"__typename":"Query"}}') ? true : undefined), 'the answer to the next request on the same connection', 3_000);
      expect(received.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 413', 'HTTP/1.1 200']);
    } finally {
      socket.destroy();
    }
  });

  it('an invalid JSON body is a 400 with a JSON GraphQL error', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });
});
