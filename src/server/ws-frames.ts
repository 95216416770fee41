import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Pushed `next` messages (ws-push.ts) written as whole WebSocket frames, past ws's sender.
 *
 * Why: ws's `send` turns each string into a buffer and frames it as two buffers (header, payload)
 * written corked, one writev of two parts. A tick's payload is the same for every subscriber that
 * shares its result, yet was built into a string and UTF-8 encoded again for each of them. Here it
 * is encoded once per shared result, and each subscriber's frame is one buffer, written once:
 * header, the subscription's own `{"id":…` prefix, then the shared bytes.
 *
 * Only where ws itself would write the frame at once and unchanged: on a connection with no
 * extension negotiated (permessage-deflate would compress it). ws's sender then writes each frame
 * synchronously, in call order, so frames written here and frames ws writes (graphql-ws's own
 * messages, pings, the close) reach the socket in the order they were sent. (The one other thing
 * ws's sender queues is a Blob, which nothing here sends.) Elsewhere the message goes through
 * `ws.send` as before.
 */

/** The TCP socket each upgraded connection was handed over on, as the HTTP server gave it to `handleUpgrade`. */
const upgradedSockets = new WeakMap<WebSocket, Duplex>();

/** Remembers the socket `client` was upgraded on (call from `handleUpgrade`'s callback). */
export function noteUpgradedSocket(client: WebSocket, socket: Duplex): void {
  upgradedSockets.set(client, socket);
}

/** The socket frames may be written to directly for `client`, or undefined: an extension was negotiated, or its socket is unknown. */
export function frameSocketOf(client: WebSocket): Socket | undefined {
  if (client.extensions !== '') return undefined;
  return upgradedSockets.get(client) as Socket | undefined;
}

/**
 * One unmasked, final text frame (RFC 6455 §5.2) of `prefix` followed by `payload`, both as bytes:
 * a server's frames are never masked. Copied in with `set`, a builtin that allocates nothing
 * (Buffer's `copy` made a view of the source per call on Node 20).
 */
export function textFrame(prefix: Uint8Array, payload: Uint8Array): Buffer {
  const length = prefix.length + payload.length;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  // allocUnsafe: every byte is written below. Small frames come from Node's shared pool.
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(prefix, headerBytes);
  frame.set(payload, headerBytes + prefix.length);
  return frame;
}
