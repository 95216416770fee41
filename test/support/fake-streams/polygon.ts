import { startFakeStreamServer, type FakeConnection, type FakeStreamServer } from './server.js';

/**
 * Polygon's (Massive's) stocks cluster as documented (see README.md): `connected` status on open,
 * `auth` answered `auth_success` or `auth_failed` (then closed), comma-separated `T.`/`A.`
 * channels, arrays of events. A subscribe sent before authentication is answered with an error
 * status and ignored, as the real cluster does.
 */
export interface FakePolygonStream extends FakeStreamServer {
  /** Channels each connection is subscribed to ("T.AAPL"). */
  channels(connection?: FakeConnection): Set<string>;
  /** Every subscribe or unsubscribe `params` received, in order. */
  readonly requests: Array<{ action: string; params: string }>;
  /** Events to every open, authenticated connection subscribed to their channel (`${ev}.${sym}`). */
  events(events: ReadonlyArray<Record<string, unknown> & { ev: string; sym: string }>): void;
}

export async function startFakePolygonStream(options: { readonly keys: readonly string[] }): Promise<FakePolygonStream> {
  const channels = new Map<FakeConnection, Set<string>>();
  const authenticated = new Set<FakeConnection>();
  const requests: Array<{ action: string; params: string }> = [];
  const server = await startFakeStreamServer({
    onConnection: (connection) => {
      channels.set(connection, new Set());
      connection.send([{ ev: 'status', status: 'connected', message: 'Connected Successfully' }]);
    },
    onMessage: (connection, message) => {
      const { action, params } = message as { action?: unknown; params?: unknown };
      if (action === 'auth') {
        if (typeof params === 'string' && options.keys.includes(params)) {
          authenticated.add(connection);
          connection.send([{ ev: 'status', status: 'auth_success', message: 'authenticated' }]);
        } else {
          connection.send([{ ev: 'status', status: 'auth_failed', message: 'authentication failed' }]);
          connection.socket.close(1008);
        }
        return;
      }
      if ((action !== 'subscribe' && action !== 'unsubscribe') || typeof params !== 'string') return;
      if (!authenticated.has(connection)) {
        connection.send([{ ev: 'status', status: 'error', message: 'not authenticated' }]);
        return;
      }
      requests.push({ action, params });
      const set = channels.get(connection) as Set<string>;
      for (const channel of params.split(',')) {
        if (action === 'subscribe') set.add(channel);
        else set.delete(channel);
      }
      connection.send([{ ev: 'status', status: 'success', message: `${action}d to: ${params}` }]);
    },
  });
  return {
    ...server,
    requests,
    channels: (connection) => channels.get(connection ?? (server.open()[0] as FakeConnection)) ?? new Set(),
    events(events) {
      for (const connection of server.open()) {
        const set = channels.get(connection) ?? new Set();
        const mine = events.filter((event) => set.has(`${event.ev}.${event.sym}`));
        if (mine.length > 0) connection.send(mine);
      }
    },
  };
}
