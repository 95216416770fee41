import { once } from 'node:events';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { apiKeyEntry, post } from './support.js';

/**
 * Bounded work per graphql-ws connection (issue 12 item 5), spoken as a client would on the wire
 * (`graphql-transport-ws` messages over a raw `ws` socket): subscriptions past the cap of a
 * connection or of a consumer are refused with RATE_LIMITED while the connection keeps serving,
 * and a connection sending messages past its rate (a ping flood, before any `connection_init`)
 * is closed with 4429 while other clients are served.
 */

const KEYS = { a: 'mg_test_wslimits_pro_a_not_a_secret', b: 'mg_test_wslimits_pro_b_not_a_secret' };
let gateway: SpawnedGateway;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  gateway = await spawnGateway({
    PROVIDERS: 'simulated',
    SIM_TICK_MS: '1000',
    AUTH_API_KEYS: [apiKeyEntry(KEYS.a, 'ws-pro-a', 'pro'), apiKeyEntry(KEYS.b, 'ws-pro-b', 'pro')].join(','),
    LIMIT_SUBSCRIPTIONS_PER_SOCKET: '3',
    LIMIT_SUBSCRIPTIONS_PER_CONSUMER: 'pro=4',
    LIMIT_WS_MESSAGES_PER_SECOND: '20',
    LIMIT_WS_MESSAGE_BURST: '40',
  });
});
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await gateway?.stop();
});

interface Message {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/** A raw graphql-transport-ws connection: every message it received, and a way to wait for one. */
class Connection {
  readonly received: Message[] = [];
  private readonly waiters = new Set<() => void>();
  private closedWith: string | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.received.push(JSON.parse(String(data)) as Message);
      for (const check of [...this.waiters]) check();
    });
    socket.once('close', (code, reason) => {
      this.closedWith = `${code} ${String(reason)}`;
      for (const check of [...this.waiters]) check();
    });
  }

  static async open(key?: string): Promise<Connection> {
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    sockets.push(socket);
    const connection = new Connection(socket);
    await once(socket, 'open');
    if (key !== undefined) {
      connection.send({ type: 'connection_init', payload: { 'x-api-key': key } });
      await connection.next((message) => message.type === 'connection_ack');
    }
    return connection;
  }

  send(message: Message): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, symbol: string): void {
    this.send({ type: 'subscribe', id, payload: { query: 'subscription S($s: [String!]!) { quotes(symbols: $s) { symbol price } }', variables: { s: [symbol] } } });
  }

  /** The first message received (now or later) that `matches`. */
  next(matches: (message: Message) => boolean): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.received.find(matches);
        if (!found && this.closedWith === undefined) return;
        this.waiters.delete(check);
        if (found) resolve(found);
        else reject(new Error(`closed ${this.closedWith} while waiting`));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The first `next` or `error` message of subscription `id`. */
  answer(id: string): Promise<Message> {
    return this.next((message) => message.id === id && (message.type === 'next' || message.type === 'error'));
  }
}

function refusalOf(message: Message): unknown {
  expect(message.type).toBe('error');
  const [error] = message.payload as Array<{ extensions?: Record<string, unknown> }>;
  return error?.extensions;
}

describe('subscriptions per connection and per consumer', () => {
  it('refuses a subscribe past either cap with RATE_LIMITED, and the connection keeps serving', async () => {
    const one = await Connection.open(KEYS.a);
    for (const [id, symbol] of [['1', 'AAPL'], ['2', 'MSFT'], ['3', 'NVDA']] as const) {
      one.subscribe(id, symbol);
      expect((await one.answer(id)).type).toBe('next');
    }
    // The fourth on this connection: past LIMIT_SUBSCRIPTIONS_PER_SOCKET=3.
    one.subscribe('4', 'AMZN');
    expect(refusalOf(await one.answer('4'))).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerSocket', limit: 3 });
    // Still served: a finished subscription gives its slot back.
    one.send({ type: 'complete', id: '1' });
    one.subscribe('5', 'AMZN');
    expect((await one.answer('5')).type).toBe('next');

    // The same consumer on a second connection: one more fits (4 per pro consumer), then no more.
    const two = await Connection.open(KEYS.a);
    two.subscribe('1', 'GOOGL');
    expect((await two.answer('1')).type).toBe('next');
    two.subscribe('2', 'META');
    expect(refusalOf(await two.answer('2'))).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerConsumer', limit: 4 });
    // Another consumer has caps of its own.
    const other = await Connection.open(KEYS.b);
    other.subscribe('1', 'META');
    expect((await other.answer('1')).type).toBe('next');

    // A closed connection gives back every slot it held.
    one.socket.close(1000);
    await once(one.socket, 'close');
    await expect
      .poll(async () => {
        const id = `again-${two.received.length}`;
        two.subscribe(id, 'META');
        return (await two.answer(id)).type;
      }, { timeout: 5_000, interval: 50 })
      .toBe('next');
    expect(one.socket.readyState === WebSocket.CLOSED && two.socket.readyState === WebSocket.OPEN).toBe(true);
  });
});

describe('messages per connection', () => {
  it('closes a connection flooding pings (no connection_init) with 4429, and other clients are still answered', async () => {
    const QUOTE = '{ realtimeQuote(symbol: "AAPL") { symbol } }';
    const pro = { 'x-api-key': KEYS.b };
    const timed = async (): Promise<number> => {
      const started = performance.now();
      expect((await post(gateway.url, QUOTE, undefined, pro)).data).toEqual({ realtimeQuote: { symbol: 'AAPL' } });
      return performance.now() - started;
    };
    const normal: number[] = [];
    for (let sample = 0; sample < 5; sample++) normal.push(await timed());
    const baseline = normal.sort((a, b) => a - b)[2] as number;
    const quiet = await Connection.open(KEYS.b);
    quiet.send({ type: 'ping' });
    expect((await quiet.next((message) => message.type === 'pong')).type).toBe('pong');

    const flood = await Connection.open();
    const closed = once(flood.socket, 'close') as Promise<[number, Buffer]>;
    let sent = 0;
    let during: Promise<number> | undefined;
    // As fast as the client can write, until the gateway closes the connection (at most 100,000).
    while (flood.socket.readyState === WebSocket.OPEN && sent < 100_000) {
      for (let burst = 0; burst < 1_000; burst++) flood.send({ type: 'ping' });
      sent += 1_000;
      // Another client's query, asked while the flood is on its way.
      during ??= timed();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [code, reason] = await closed;
    // In proportion to the same query's time before the flood, with room for a busy machine.
    expect(await during).toBeLessThan(20 * baseline + 1_000);
    expect(code).toBe(4429);
    expect(String(reason)).toMatch(/^Too many messages: at most 20 per second/);
    // Answered were the burst and the rate, not the flood.
    expect(flood.received.filter((message) => message.type === 'pong').length).toBeLessThan(sent / 10);

    // Others are still served: the quiet connection's ping.
    quiet.send({ type: 'ping', payload: { again: true } });
    expect((await quiet.next((message) => message.type === 'pong' && message.payload !== undefined)).payload).toEqual({ again: true });
    const metrics = await (await fetch(`${gateway.origin}/metrics`)).text();
    expect(metrics).toContain('graphql_refusals_total{code="RATE_LIMITED",cause="socketMessages"} 1');
  });
});
