import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * A real HTTP server on loopback that plays a market-data provider: it serves recorded payloads
 * by route, counts every request, and injects the faults real providers produce. Adapters and
 * spawned gateways are pointed at it through their `<NAME>_BASE_URL`.
 *
 *   const upstream = await startFakeUpstream();
 *   upstream.on({ path: '/query', query: { function: 'GLOBAL_QUOTE', symbol: 'AAPL' } }, { json: fixture('alphavantage/global-quote.json') });
 *   upstream.on({ path: '/query' }, { fault: 'html', status: 502 }, { times: 1 });
 *   upstream.count({ path: '/query' });
 */

/** Which requests a rule answers: the path exactly, and each listed query parameter exactly. */
export interface RouteMatch {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

export type Fault =
  /** An HTML error page, as CDNs and gateways send in outages. */
  | 'html'
  /** A JSON body cut off half-way. */
  | 'truncated'
  /** A body that is not JSON at all. */
  | 'malformed'
  /** An empty body. */
  | 'empty'
  /** `oversizedBytes` of JSON (default 50 MB), streamed. */
  | 'oversized'
  /** The connection is destroyed before any answer. */
  | 'reset'
  /** Headers and body never come; the socket stays open until the client gives up. */
  | 'hang';

export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body (serialised as is). */
  readonly json?: unknown;
  /** A raw body. */
  readonly text?: string;
  readonly fault?: Fault;
  readonly oversizedBytes?: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /**
   * Answer only once this settles (then after `delayMs`, if any): a test holds a reply until
   * something else has happened, instead of hoping a delay is long enough for it.
   */
  readonly gate?: Promise<unknown>;
  /** Send the body gzip-encoded. */
  readonly gzip?: boolean;
}

export interface RecordedRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
}

interface Rule {
  readonly match: RouteMatch;
  readonly reply: Reply | ((request: RecordedRequest) => Reply);
  remaining: number;
}

export interface FakeUpstream {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** Adds a rule; newer rules win over older ones. `times` limits how often it answers. */
  on(match: RouteMatch, reply: Reply | ((request: RecordedRequest) => Reply), options?: { readonly times?: number }): void;
  /** Requests received that fit the match (every request without one). */
  count(match?: RouteMatch): number;
  readonly requests: readonly RecordedRequest[];
  /** Forgets rules and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A recorded payload from test/fixtures, parsed. */
export function fixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(FIXTURES + relativePath, 'utf8')) as unknown;
}

function matches(match: RouteMatch, request: RecordedRequest): boolean {
  if (match.path !== request.path) return false;
  return Object.entries(match.query ?? {}).every(([name, value]) => request.query[name] === value);
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  let rules: Rule[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://upstream.invalid');
    const recorded: RecordedRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), headers: request.headers };
    requests.push(recorded);
    request.resume();
    const rule = [...rules].reverse().find((candidate) => candidate.remaining > 0 && matches(candidate.match, recorded));
    if (!rule) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ fakeUpstream: `no rule for ${url.pathname}${url.search}` }));
      return;
    }
    rule.remaining -= 1;
    const reply = typeof rule.reply === 'function' ? rule.reply(recorded) : rule.reply;
    const send = (): void => answer(reply, request, response);
    const start = (): void => {
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    };
    if (reply.gate) void reply.gate.then(start, start);
    else start();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    on(match, reply, options = {}) {
      rules.push({ match, reply, remaining: options.times ?? Number.POSITIVE_INFINITY });
    },
    count(match) {
      return match ? requests.filter((request) => matches(match, request)).length : requests.length;
    },
    requests,
    reset() {
      rules = [];
      requests.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(reply: Reply, request: IncomingMessage, response: ServerResponse): void {
  const status = reply.status ?? 200;
  switch (reply.fault) {
    case 'reset':
      request.socket.destroy();
      return;
    case 'hang':
      return;
    case 'html':
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...reply.headers });
      response.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
      return;
    case 'truncated': {
      const text = JSON.stringify(reply.json ?? { data: [1, 2, 3], more: 'x'.repeat(64) });
      response.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      response.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    case 'malformed':
      response.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      response.end('{"price": 12.5, oops');
      return;
    case 'empty':
      response.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      response.end();
      return;
    case 'oversized':
      streamOversized(response, status, reply.oversizedBytes ?? 50 * 1024 * 1024, reply.headers);
      return;
    default:
      break;
  }
  const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  const headers: Record<string, string> = { 'content-type': reply.text === undefined ? 'application/json' : 'text/plain', ...reply.headers };
  if (reply.gzip) {
    const zipped = gzipSync(body);
    response.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
    response.end(zipped);
    return;
  }
  response.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function streamOversized(response: ServerResponse, status: number, bytes: number, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  const chunk = Buffer.from(`"${'x'.repeat(64 * 1024 - 3)}",`);
  let sent = 0;
  response.write('[');
  const pump = (): void => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    response.end('"end"]');
  };
  response.on('close', () => (sent = bytes));
  pump();
}
