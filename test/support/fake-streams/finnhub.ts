import { startFakeStreamServer, type FakeConnection, type FakeStreamServer } from './server.js';

/**
 * Finnhub's trades feed as documented (see README.md): the key in `?token=`, refused at the
 * upgrade with HTTP 401; `{"type":"subscribe","symbol":…}` and `unsubscribe`, one symbol each;
 * `{"type":"trade","data":[{s,p,t,v,c}]}` batches to the connections subscribed; `{"type":"ping"}`.
 */
export interface FakeFinnhubStream extends FakeStreamServer {
  /** Symbols each open connection is subscribed to now. */
  subscriptions(connection?: FakeConnection): Set<string>;
  /** Every subscribe and unsubscribe message received, in order, over all connections. */
  readonly requests: Array<{ type: string; symbol: string }>;
  /** A batch of trades, each to the open connections subscribed to its symbol. */
  trades(trades: ReadonlyArray<{ s: string; p: number; t: number; v?: number }>): void;
  ping(): void;
}

export async function startFakeFinnhubStream(options: { readonly keys: readonly string[] }): Promise<FakeFinnhubStream> {
  const subscribed = new Map<FakeConnection, Set<string>>();
  const requests: Array<{ type: string; symbol: string }> = [];
  const server = await startFakeStreamServer({
    refuseUpgrade: (url) => (options.keys.includes(url.searchParams.get('token') ?? '') ? undefined : 401),
    onConnection: (connection) => subscribed.set(connection, new Set()),
    onMessage: (connection, message) => {
      const request = message as { type?: unknown; symbol?: unknown };
      if ((request.type !== 'subscribe' && request.type !== 'unsubscribe') || typeof request.symbol !== 'string') {
        connection.send({ type: 'error', msg: 'Invalid message' });
        return;
      }
      requests.push({ type: request.type, symbol: request.symbol });
      const symbols = subscribed.get(connection) as Set<string>;
      if (request.type === 'subscribe') symbols.add(request.symbol);
      else symbols.delete(request.symbol);
    },
  });
  const live = (): FakeConnection[] => server.open();
  return {
    ...server,
    requests,
    subscriptions: (connection) => subscribed.get(connection ?? (live()[0] as FakeConnection)) ?? new Set(),
    trades(trades) {
      for (const connection of live()) {
        const symbols = subscribed.get(connection) ?? new Set();
        const data = trades.filter((trade) => symbols.has(trade.s)).map((trade) => ({ c: ['1', '12'], v: 100, ...trade }));
        if (data.length > 0) connection.send({ type: 'trade', data });
      }
    },
    ping() {
      for (const connection of live()) connection.send({ type: 'ping' });
    },
  };
}
