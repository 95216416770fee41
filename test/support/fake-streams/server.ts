import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * A WebSocket server on loopback that records what clients do, for the fake upstream feeds: every
 * upgrade attempt (refused ones too), every connection and every frame received. Each protocol's
 * fake (finnhub.ts, polygon.ts, …) decides what to answer.
 */

export interface FakeConnection {
  readonly socket: WebSocket;
  /** The upgrade request's URL, path and query (a key in the query is the client's). */
  readonly url: URL;
  /** Every frame received, parsed as JSON where it is JSON, else the text. */
  readonly received: unknown[];
  readonly closed: boolean;
  send(message: unknown): void;
  sendRaw(text: string): void;
  /** Cuts the connection without a close frame, as a network failure would. */
  drop(): void;
}

export interface FakeStreamServerOptions {
  /** An HTTP status to refuse the upgrade with, or undefined to accept it. */
  readonly refuseUpgrade?: (url: URL) => number | undefined;
  readonly onConnection?: (connection: FakeConnection) => void;
  readonly onMessage?: (connection: FakeConnection, message: unknown) => void;
}

export interface FakeStreamServer {
  /** ws://127.0.0.1:port: the `<NAME>_WS_URL` of the adapter under test. */
  readonly url: string;
  readonly connections: FakeConnection[];
  /** Upgrade attempts, accepted or refused. */
  readonly attempts: URL[];
  /** Connections not closed yet. */
  open(): FakeConnection[];
  close(): Promise<void>;
}

export async function startFakeStreamServer(options: FakeStreamServerOptions = {}): Promise<FakeStreamServer> {
  const connections: FakeConnection[] = [];
  const attempts: URL[] = [];
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info: { req: IncomingMessage }, done: (result: boolean, code?: number) => void) => {
      const url = new URL(info.req.url ?? '/', 'ws://127.0.0.1');
      attempts.push(url);
      const status = options.refuseUpgrade?.(url);
      if (status === undefined) done(true);
      else done(false, status);
    },
  });
  server.on('connection', (socket, request) => {
    let closed = false;
    const connection: FakeConnection = {
      socket,
      url: new URL(request.url ?? '/', 'ws://127.0.0.1'),
      received: [],
      get closed() {
        return closed;
      },
      send: (message) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      },
      sendRaw: (text) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(text);
      },
      drop: () => socket.terminate(),
    };
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const text = data.toString();
      let message: unknown = text;
      try {
        message = JSON.parse(text);
      } catch {
        // kept as text
      }
      connection.received.push(message);
      options.onMessage?.(connection, message);
    });
    connections.push(connection);
    options.onConnection?.(connection);
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    attempts,
    open: () => connections.filter((connection) => !connection.closed),
    async close() {
      for (const connection of connections) connection.socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Waits until `condition` holds, checking every few milliseconds: for what crosses a real socket.
 * The limit is generous (5 s) and only ever reached when the behaviour is wrong.
 */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not met in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets every socket event already on its way arrive: a few turns of the loop, for "nothing more happened" checks. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
}
