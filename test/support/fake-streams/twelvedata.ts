import { startFakeStreamServer, type FakeConnection, type FakeStreamServer } from './server.js';

/**
 * Twelve Data's `/v1/quotes/price` as documented (see README.md): the key in `?apikey=` (a bad one
 * refused at the upgrade with 401: an assumption, the docs do not say), `subscribe` answered with
 * `subscribe-status` listing `success` and `fails`, `price` events in Unix seconds, and a
 * `heartbeat` answered in kind.
 */
export interface FakeTwelveDataStream extends FakeStreamServer {
  subscriptions(connection?: FakeConnection): Set<string>;
  /** Every action received, in order (heartbeats included). */
  readonly actions: Array<{ action: string; symbols?: string }>;
  price(symbol: string, price: number, timestampSeconds: number, dayVolume?: number): void;
}

export async function startFakeTwelveDataStream(options: { readonly keys: readonly string[]; readonly unknown?: readonly string[] }): Promise<FakeTwelveDataStream> {
  const subscribed = new Map<FakeConnection, Set<string>>();
  const actions: Array<{ action: string; symbols?: string }> = [];
  const unknown = new Set(options.unknown ?? []);
  const server = await startFakeStreamServer({
    refuseUpgrade: (url) => (options.keys.includes(url.searchParams.get('apikey') ?? '') ? undefined : 401),
    onConnection: (connection) => subscribed.set(connection, new Set()),
    onMessage: (connection, message) => {
      const { action, params } = message as { action?: unknown; params?: { symbols?: unknown } };
      if (typeof action !== 'string') return;
      const symbols = typeof params?.symbols === 'string' ? params.symbols : undefined;
      actions.push(symbols === undefined ? { action } : { action, symbols });
      if (action === 'heartbeat') {
        connection.send({ event: 'heartbeat', status: 'ok' });
        return;
      }
      const list = (symbols ?? '').split(',').filter(Boolean);
      const set = subscribed.get(connection) as Set<string>;
      if (action === 'subscribe') {
        const success = list.filter((symbol) => !unknown.has(symbol));
        const fails = list.filter((symbol) => unknown.has(symbol));
        for (const symbol of success) set.add(symbol);
        connection.send({
          event: 'subscribe-status',
          status: fails.length > 0 ? 'error' : 'ok',
          success: success.map((symbol) => ({ symbol, exchange: 'NASDAQ', mic_code: 'XNGS', country: 'United States', type: 'Common Stock' })),
          fails: fails.length > 0 ? fails.map((symbol) => ({ symbol })) : null,
        });
      } else if (action === 'unsubscribe') {
        for (const symbol of list) set.delete(symbol);
        connection.send({ event: 'unsubscribe-status', status: 'ok', success: list.map((symbol) => ({ symbol })), fails: null });
      }
    },
  });
  return {
    ...server,
    actions,
    subscriptions: (connection) => subscribed.get(connection ?? (server.open()[0] as FakeConnection)) ?? new Set(),
    price(symbol, price, timestamp, dayVolume) {
      for (const connection of server.open()) {
        if (!subscribed.get(connection)?.has(symbol)) continue;
        connection.send({ event: 'price', symbol, currency: 'USD', exchange: 'NASDAQ', mic_code: 'XNGS', type: 'Common Stock', timestamp, price, ...(dayVolume === undefined ? {} : { day_volume: dayVolume }) });
      }
    },
  };
}
