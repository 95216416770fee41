// The fan-out benches' client sockets: the WebSocket protocol (RFC 6455) as far as a reading
// client needs it, on a bare TCP socket. The clients share the machine's two cores with the
// servers they measure; read through `ws`, 2,000 sockets receiving 40,000 messages a second took
// 0.75–0.8 of a core (its receiver's per-frame machinery and events), which the servers measured
// then did not have. Here a frame costs a header read and a subarray. Both the gateway and the
// bare baseline are read by this same client, so their ratio holds.
//
// Supported: the opening handshake (with a subprotocol, its accept key checked), unmasked text and
// binary frames from the server (fragmented ones joined), ping answered with pong, close; sends
// masked text frames (a zero mask key: RFC 6455 asks clients for an unpredictable one, against
// proxies that cache; a loopback bench has none, and `ws` accepts any key). Not supported: extensions.
//
// Sockets are read with net's `onread` into one buffer all of them share, not as a stream: a
// stream read allocates a 64 KB buffer per read, then a Buffer, a push and a 'data' event for
// it, which at 40,000 reads a second made half of this client's CPU. So a 'message' payload is a
// view of that buffer, valid only while its listeners run: a listener that keeps it copies it.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Every socket's reads land here, one at a time (each is handled before the next read). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class LeanWebSocket extends EventEmitter {
  /** @param {string} url ws://host:port/path  @param {string} [protocol] */
  constructor(url, protocol) {
    super();
    const { hostname, port, pathname, search } = new URL(url);
    const key = randomBytes(16).toString('base64');
    this.expectedAccept = createHash('sha1').update(key + GUID).digest('base64');
    this.pending = undefined; // bytes of an incomplete frame (or handshake)
    this.fragments = [];
    this.opened = false;
    this.closed = false;
    this.socket = connect({
      host: hostname,
      port: Number(port),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (bytes, buffer) => void this.onData(buffer.subarray(0, bytes)) },
    });
    this.socket.once('connect', () =>
      this.socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`,
      ),
    );
    this.socket.once('error', (error) => this.emit('error', error));
    this.socket.once('close', () => this.finish());
  }

  send(text) {
    if (this.closed) return;
    const payload = Buffer.from(text);
    const length = payload.length;
    const headerLength = length < 126 ? 6 : length < 65536 ? 8 : 14;
    const frame = Buffer.allocUnsafe(headerLength + length);
    frame[0] = 0x81; // FIN, text
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    frame.writeUInt32BE(0, headerLength - 4); // the mask key: zero, so the payload goes as it is
    payload.copy(frame, headerLength);
    this.socket.write(frame);
  }

  terminate() {
    this.socket.destroy();
  }

  finish() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  onData(chunk) {
    let data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    if (!this.opened) {
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) {
        this.pending = Buffer.from(data);
        return;
      }
      const head = data.latin1Slice(0, end);
      if (!head.startsWith('HTTP/1.1 101') || !head.includes(this.expectedAccept)) {
        this.emit('error', new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        this.socket.destroy();
        return;
      }
      this.opened = true;
      this.emit('open');
      data = data.subarray(end + 4);
    }
    let at = 0;
    while (data.length - at >= 2) {
      const fin = (data[at] & 0x80) !== 0;
      const opcode = data[at] & 0x0f;
      let length = data[at + 1] & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        start = at + 10;
      }
      if (data.length < start + length) break;
      this.onFrame(fin, opcode, data.subarray(start, start + length));
      at = start + length;
      if (this.closed) return;
    }
    // What is left is the start of a frame: copied, as the shared read buffer is reused.
    if (at < data.length) this.pending = Buffer.from(data.subarray(at));
  }

  onFrame(fin, opcode, payload) {
    if (opcode === 0x9) return this.control(0x8a, payload); // ping → pong with its payload
    if (opcode === 0xa) return undefined;
    if (opcode === 0x8) {
      this.control(0x88, payload.subarray(0, 2));
      this.socket.end();
      return this.finish();
    }
    if (opcode === 0x0 || !fin) {
      this.fragments.push(Buffer.from(payload));
      if (!fin) return undefined;
      const whole = Buffer.concat(this.fragments);
      this.fragments = [];
      return this.emit('message', whole);
    }
    return this.emit('message', payload);
  }

  /** A masked control frame (payload ≤ 125 bytes). */
  control(firstByte, payload) {
    const frame = Buffer.alloc(6 + payload.length);
    frame[0] = firstByte;
    frame[1] = 0x80 | payload.length;
    payload.copy(frame, 6);
    this.socket.write(frame);
  }
}
