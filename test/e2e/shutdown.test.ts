import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { QuoteDocument, type QuoteQuery } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { sleep } from '../support/timing.js';
import { watch, wsClient } from './subscriptions-helpers.js';

const QUOTE_BODY = JSON.stringify({ query: print(QuoteDocument), variables: { symbol: 'AAPL' } });
const HALF = Math.floor(QUOTE_BODY.length / 2);

/**
 * A POST /graphql whose headers and first half of body are on the wire. `Expect: 100-continue`
 * makes the gateway answer as soon as it has taken the request in, so the request is known to be
 * in flight before any signal is sent.
 */
async function halfSentQuoteRequest(port: number) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUOTE_BODY), expect: '100-continue' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (incoming) => {
      let body = '';
      incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      incoming.once('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
      incoming.once('error', reject);
    });
  });
  request.flushHeaders();
  await once(request, 'continue');
  request.write(QUOTE_BODY.slice(0, HALF));
  return { finish: () => request.end(QUOTE_BODY.slice(HALF)), response };
}

/** The same, on a raw socket, so a second request can be pipelined behind it on one connection. */
async function halfSentOnRawSocket(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = once(socket, 'close');
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(QUOTE_BODY)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  while (!received.includes('100 Continue')) await once(socket, 'data');
  socket.write(QUOTE_BODY.slice(0, HALF));
  return {
    finishThenAsk: (path: string) => socket.write(`${QUOTE_BODY.slice(HALF)}GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    /** Every final (non-1xx) response the connection carried until the gateway closed it. */
    responses: closed.then(() => parseResponses(received)),
  };
}

function parseResponses(text: string): Array<{ status: number; body: string }> {
  const responses: Array<{ status: number; body: string }> = [];
  let rest = text;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) throw new Error(`unparsable response: ${JSON.stringify(rest)}`);
    const head = rest.slice(0, headEnd);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    rest = rest.slice(headEnd + 4 + length);
    if (status >= 200) responses.push({ status, body });
  }
  return responses;
}

/** A fresh connection to /readyz: its status, or the connection error's code. */
function readyzOnNewConnection(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function exitWithin(gateway: SpawnedGateway, ms: number): Promise<number | null | 'still running'> {
  if (gateway.process.exitCode !== null) return Promise.resolve(gateway.process.exitCode);
  return Promise.race([
    once(gateway.process, 'exit').then(([code]) => code as number | null),
    sleep(ms).then(() => 'still running' as const),
  ]);
}

describe('graceful shutdown', () => {
  let gateway: SpawnedGateway | undefined;
  afterEach(() => {
    if (gateway?.process.exitCode === null) gateway.process.kill('SIGKILL');
  });

  it('on SIGTERM finishes the request in flight, reports 503 on /readyz, closes WebSockets with 1001, refuses new connections and exits 0', async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100' });
    const { port } = gateway;
    const closeCodes: number[] = [];
    const client = wsClient(gateway.wsUrl, { onClosed: (event) => closeCodes.push((event as { code: number }).code) });
    const live = watch(client, ['AAPL']);
    await live.untilQuotes(2);
    const inFlight = await halfSentQuoteRequest(port);
    const pipelined = await halfSentOnRawSocket(port);

    const exited = gateway.stop('SIGTERM');
    await live.ended;
    expect(closeCodes).toEqual([1001]);
    expect(live.failure()).toMatchObject({ code: 1001 });

    // New connections: answered 503 while WebSockets are being closed, then refused once the
    // HTTP drain closes the listener (one caught at that very moment is reset).
    const attempts: Array<number | string> = [];
    for (let i = 0; i < 40 && attempts.at(-1) !== 'ECONNREFUSED'; i++) {
      attempts.push(await readyzOnNewConnection(port));
      await sleep(10);
    }
    expect(attempts.at(-1)).toBe('ECONNREFUSED');
    expect(attempts.filter((attempt) => ![503, 'ECONNRESET', 'ECONNREFUSED'].includes(attempt))).toEqual([]);

    // A deliberate wait for something not to happen: with the listener closed, the gateway must
    // neither exit nor drop the half-sent requests while they are unfinished (it would within this).
    await sleep(200);
    inFlight.finish();
    pipelined.finishThenAsk('/readyz');
    const response = await inFlight.response;
    expect(response.status).toBe(200);
    const answer = JSON.parse(response.body) as { data?: QuoteQuery; errors?: unknown };
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.quote).toMatchObject({ symbol: 'AAPL', source: 'simulated', stale: false });
    expect(answer.data?.quote?.price).toBeGreaterThan(0);

    const [quote, readyz] = await pipelined.responses;
    expect(quote?.status).toBe(200);
    expect(JSON.parse(quote!.body)).toMatchObject({ data: { quote: { symbol: 'AAPL' } } });
    expect(readyz?.status).toBe(503);
    expect(JSON.parse(readyz!.body)).toMatchObject({ status: 'stopping' });

    expect(await exited).toBe(0);
    expect(gateway.logs.map((entry) => entry['msg'])).toContain('stopped');
    await client.dispose();
  });

  it('on SIGINT drains the same way and exits 0', async () => {
    gateway = await spawnGateway({ SIM_TICK_MS: '100' });
    const closeCodes: number[] = [];
    const client = wsClient(gateway.wsUrl, { onClosed: (event) => closeCodes.push((event as { code: number }).code) });
    const live = watch(client, ['MSFT']);
    await live.untilQuotes(1);
    const inFlight = await halfSentQuoteRequest(gateway.port);
    const exited = gateway.stop('SIGINT');
    // The drain has begun once the WebSocket is closed (1001): only then is the request finished.
    await live.ended;
    inFlight.finish();
    expect((await inFlight.response).status).toBe(200);
    expect(await exited).toBe(0);
    expect(closeCodes).toEqual([1001]);
    await client.dispose();
  });

  it('does not let a WebSocket client that never answers the close frame hold shutdown past SHUTDOWN_GRACE_MS', async () => {
    gateway = await spawnGateway({ SHUTDOWN_GRACE_MS: '300' });
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await once(socket, 'message');
    socket.pause(); // a frozen client: reads nothing more, so never answers the close frame
    gateway.process.kill('SIGTERM');
    // A bound on a spawned gateway, proportional to its 300 ms grace with slack for a loaded
    // machine; the frozen client alone would hold it forever.
    expect(await exitWithin(gateway, 5_000)).toBe(0);
    socket.terminate();
  });
});
