import { startFakeStreamServer, type FakeConnection, type FakeStreamServer } from './server.js';

/**
 * FMP's stock WebSocket as documented (see README.md): `login` answered with a status (200, or
 * 401 and a close), `subscribe` / `unsubscribe` with lower-case tickers (a string or a list), and
 * messages `{s, t (ns), type, lp, ls, ap, as, bp, bs}`.
 */
export interface FakeFmpStream extends FakeStreamServer {
  subscriptions(connection?: FakeConnection): Set<string>;
  readonly requests: Array<{ event: string; tickers: string[] }>;
  /** One message to the connections subscribed to its (lower-case) ticker. */
  message(message: { s: string; t: number; type: 'T' | 'Q' | 'B'; lp?: number | null; ap?: number | null; bp?: number | null }): void;
}

export async function startFakeFmpStream(options: { readonly keys: readonly string[] }): Promise<FakeFmpStream> {
  const subscribed = new Map<FakeConnection, Set<string>>();
  const loggedIn = new Set<FakeConnection>();
  const requests: Array<{ event: string; tickers: string[] }> = [];
  const server = await startFakeStreamServer({
    onConnection: (connection) => subscribed.set(connection, new Set()),
    onMessage: (connection, message) => {
      const { event, data } = message as { event?: unknown; data?: { apiKey?: unknown; ticker?: unknown } };
      if (event === 'login') {
        if (typeof data?.apiKey === 'string' && options.keys.includes(data.apiKey)) {
          loggedIn.add(connection);
          connection.send({ event: 'login', status: 200, message: 'Authenticated' });
        } else {
          connection.send({ event: 'login', status: 401, message: 'Unauthorized' });
          connection.socket.close(1008);
        }
        return;
      }
      if ((event !== 'subscribe' && event !== 'unsubscribe') || !loggedIn.has(connection)) return;
      const ticker = data?.ticker;
      const tickers = (Array.isArray(ticker) ? ticker : [ticker]).filter((item): item is string => typeof item === 'string');
      requests.push({ event, tickers });
      const set = subscribed.get(connection) as Set<string>;
      for (const item of tickers) {
        if (event === 'subscribe') set.add(item);
        else set.delete(item);
      }
      connection.send({ event, status: 200, message: `${event}d` });
    },
  });
  return {
    ...server,
    requests,
    subscriptions: (connection) => subscribed.get(connection ?? (server.open()[0] as FakeConnection)) ?? new Set(),
    message(message) {
      for (const connection of server.open()) {
        if (subscribed.get(connection)?.has(message.s)) connection.send({ lp: null, ls: null, ap: null, as: null, bp: null, bs: null, ...message });
      }
    },
  };
}
