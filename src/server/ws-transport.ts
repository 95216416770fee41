import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Socket } from 'node:net';
import { SocketDrain, type DrainOptions } from './socket-drain.js';
import { frameSocketOf, textFrame } from './ws-frames.js';

/** What each graphql-ws context carries of its connection (as graphql-ws's own `use/ws` glue gives it). */
export interface SocketExtra {
  readonly socket: WebSocket;
  /** The HTTP upgrade request the connection was opened with. */
  readonly request: IncomingMessage;
  /** Writes to the socket under its backpressure, for messages the transport sends itself (pushed results). */
  readonly writer: ConnectionWriter;
}

/**
 * One connection's writes under its drain (socket-drain.ts): graphql-ws's own messages and the
 * `next` messages of pushed subscriptions (ws-push.ts) alike, so both count towards the same mark.
 */
export class ConnectionWriter {
  /**
   * Who is told of each write in flight, oldest first: a socket's writes complete in order, so one
   * callback for all of them (`sent`) replaces a closure per message.
   */
  private readonly unsent: Array<(() => void) | undefined> = [];
  private readonly sent = (error?: Error | null): void => {
    const written = this.unsent.shift();
    if (!error) written?.();
    this.drain.written();
  };

  /** Where whole frames may be written past ws's sender (ws-frames.ts), or undefined: through `ws.send`. */
  private readonly frameSocket: Socket | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly drain: SocketDrain,
  ) {
    this.frameSocket = frameSocketOf(socket);
  }

  /** Sends `data`; `written` is told once the socket has taken it (written to the kernel). A write that fails closes the socket. */
  send(data: string, written?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.unsent.push(written);
    this.socket.send(data, this.sent);
  }

  /**
   * Sends the text message `prefix` + `payload` (both UTF-8 bytes), as one frame written straight
   * to the socket where ws allows it (ws-frames.ts), else through ws as one text message.
   *
   * A frame the kernel takes whole as it is written (nothing queued before it, none of it left
   * after: every frame of a client that keeps up) is told `written` at once, with no callback:
   * Node would call one a tick later, and the queue of callbacks behind it cost a push, a shift
   * and a call per item. Otherwise `written` waits in line for the socket's writes before it; a
   * frame the kernel took only part of is followed by an empty write, whose callback comes once
   * the rest is out.
   */
  sendJoined(prefix: Uint8Array, payload: Uint8Array, written?: () => void): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const socket = this.frameSocket;
    if (socket === undefined) {
      this.unsent.push(written);
      this.socket.send(Buffer.concat([prefix, payload]), { binary: false }, this.sent);
      return;
    }
    const frame = textFrame(prefix, payload);
    if (this.unsent.length > 0 || socket.writableLength > 0) {
      this.unsent.push(written);
      socket.write(frame, this.sent);
      return;
    }
    socket.write(frame);
    if (socket.writableLength === 0) {
      written?.();
      this.drain.written();
      return;
    }
    this.unsent.push(written);
    socket.write(EMPTY, this.sent);
  }
}

/** An empty write: its callback comes once every write queued before it is out. */
const EMPTY = Buffer.alloc(0);

/**
 * How one connection's messages are let through: `take()` is asked for every message before
 * graphql-ws reads it; false means the connection sent too many and is closed.
 */
export interface MessageGate {
  take(): boolean;
}

export interface TransportOptions {
  /** A fresh gate for each connection. */
  readonly gateFor: () => MessageGate;
  /** The close frame of a connection whose gate said no. */
  readonly floodClose: { readonly code: number; readonly reason: string };
  /** Told of each connection closed for sending too many messages (metrics). */
  readonly onFlood?: () => void;
  /** Told of an error graphql-ws's message handling threw (the connection is closed with 4500). */
  readonly onInternalError: (error: unknown) => void;
  /** WebSocket-level pings to spot dead peers (default 12 s, graphql-ws's own default). */
  readonly keepAliveMs?: number;
  /**
   * How a connection that reads slowly is held back and, in the end, closed (socket-drain.ts).
   * Absent: each subscription waits for its message to be written before its next (a mark of 0 bytes), and no socket is closed for being slow.
   */
  readonly backpressure?: DrainOptions;
  /** Each message once the socket has taken it (written to the kernel): delivery metrics. */
  readonly onWritten?: (socket: WebSocket, message: string) => void;
}

/** Without backpressure settings: one message in flight per reader, and nobody closed for being slow. */
const UNBUFFERED: DrainOptions = { highWaterBytes: 0, slowCloseMs: 0, close: { code: 1000, reason: '' } };

/** How long a connection closed for flooding may take to answer our close frame before it is cut. */
const FLOOD_CLOSE_GRACE_MS = 1_000;

/**
 * graphql-ws served on a `ws` server: graphql-ws's `useServer` glue (which its authors offer to be
 * copied and adjusted), with a gate in front of every message. graphql-ws itself parses and
 * answers every message as it comes, a ping with a pong, with no bound, so one connection sending
 * pings as fast as it can (2.5 M in 8 s) held up every other client. Here each message first
 * passes the connection's gate (a token bucket, ws-limits.ts); past it the connection is closed
 * with `floodClose`, stops being read, and whatever it still sends is dropped unread.
 */
export function serveGraphQLWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  transport: TransportOptions,
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  const keepAliveMs = transport.keepAliveMs ?? 12_000;
  wss.options.handleProtocols = handleProtocols;

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const internalError = (error: unknown): void => {
      transport.onInternalError(error);
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    };
    socket.once('error', internalError);

    // A peer that stops answering pings is gone: cut it rather than hold its subscriptions.
    let pongWait: NodeJS.Timeout | undefined;
    const pingInterval = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, keepAliveMs);

    const gate = transport.gateFor();
    let flooded = false;
    // graphql-ws reads a subscription's next item once `send` resolves: with a drain, as soon as
    // the socket is below its high-water mark (so a fast client is never held to one message in
    // flight), else only once the message was written.
    const drain = new SocketDrain(socket, transport.backpressure ?? UNBUFFERED);
    const writer = new ConnectionWriter(socket, drain);
    const onWritten = transport.onWritten;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        // No promise of our own around the write: the drain's answer is the one graphql-ws waits
        // for (at once below the mark), one promise fewer per message.
        send: (data) => {
          writer.send(data, onWritten && (() => onWritten(socket, data)));
          return drain.ready();
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            if (flooded) return;
            if (!gate.take()) {
              flooded = true;
              transport.onFlood?.();
              socket.close(transport.floodClose.code, transport.floodClose.reason);
              // The close frame is on its way; reading on would only decode more of the flood.
              socket.pause();
              setTimeout(() => socket.terminate(), FLOOD_CLOSE_GRACE_MS).unref();
              return;
            }
            handle(String(data)).catch(internalError);
          }),
      },
      { socket, request, writer },
    );

    socket.once('close', (code: number, reason: Buffer) => {
      drain.dispose();
      clearTimeout(pongWait);
      clearInterval(pingInterval);
      closed(code, String(reason)).catch(transport.onInternalError);
    });
  });

  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners('connection');
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
