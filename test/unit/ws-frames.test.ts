import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SocketDrain } from '../../src/server/socket-drain.js';
import { frameSocketOf, noteUpgradedSocket } from '../../src/server/ws-frames.js';
import { ConnectionWriter } from '../../src/server/ws-transport.js';

/**
 * Pushed messages written as whole frames past ws's sender (ws-frames.ts), read by a real `ws`
 * client on loopback: every length form of the frame header, a prefix that is not ASCII, and
 * frames of ws's own interleaved, all arrive whole and in order; with permessage-deflate
 * negotiated the writer goes through ws (which compresses) and the client reads the same.
 */

const servers: Server[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  // Upgraded sockets are no longer the HTTP server's to close.
  for (const client of clients.splice(0)) client.terminate();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function connectedPair(perMessageDeflate: boolean): Promise<{ server: WebSocket; client: WebSocket; received: string[] }> {
  const http = createServer();
  servers.push(http);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate });
  const accepted = new Promise<WebSocket>((resolve) =>
    http.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (client) => {
        noteUpgradedSocket(client, socket);
        resolve(client);
      }),
    ),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { perMessageDeflate });
  clients.push(client);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((resolve) => client.once('open', resolve));
  return { server: await accepted, client, received };
}

const writerOf = (socket: WebSocket) => new ConnectionWriter(socket, new SocketDrain(socket, { highWaterBytes: 0, slowCloseMs: 0, close: { code: 1000, reason: '' } }));
const until = async (check: () => boolean) => {
  for (let tries = 0; !check(); tries++) {
    if (tries > 500) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('whole frames written past ws', () => {
  it('arrive whole and in order for every header length, between frames ws writes itself', async () => {
    const { server, client, received } = await connectedPair(false);
    expect(frameSocketOf(server)).toBeDefined();
    const writer = writerOf(server);
    const prefix = '{"id":"sub-é✓","type":"next","payload":';
    const prefixBytes = Buffer.byteLength(prefix);
    const prefixBuffer = Buffer.from(prefix);
    // Total lengths just under, at and over the 7-bit and 16-bit length forms.
    const totals = [60, 125, 126, 127, 65_535, 65_536, 70_000];
    const expected: string[] = [];
    let writtenCalls = 0;
    for (const total of totals) {
      const body = `"${'x'.repeat(total - prefixBytes - 3)}"}`;
      expect(prefixBytes + Buffer.byteLength(body)).toBe(total);
      writer.sendJoined(prefixBuffer, Buffer.from(body), () => (writtenCalls += 1));
      expected.push(prefix + body);
      writer.send(`{"type":"ping","n":${total}}`);
      expected.push(`{"type":"ping","n":${total}}`);
    }
    await until(() => received.length === expected.length);
    expect(received).toEqual(expected);
    expect(writtenCalls).toBe(totals.length);
    client.close();
  });

  it('go through ws when permessage-deflate was negotiated', async () => {
    const { server, client, received } = await connectedPair(true);
    expect(server.extensions).toContain('permessage-deflate');
    expect(frameSocketOf(server)).toBeUndefined();
    const writer = writerOf(server);
    const prefix = '{"id":"1","type":"next","payload":';
    writer.sendJoined(Buffer.from(prefix), Buffer.from('{"data":{"n":1}}}'));
    await until(() => received.length === 1);
    expect(received).toEqual([`${prefix}{"data":{"n":1}}}`]);
    client.close();
  });

  it('tell each write it was written only once the kernel took all of it, in order', async () => {
    const { server, client, received } = await connectedPair(false);
    const writer = writerOf(server);
    const socket = frameSocketOf(server);
    expect(socket).toBeDefined();
    // The client stops reading: the kernel's buffers fill, and a frame is taken only in part.
    (client as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const prefix = Buffer.from('{"id":"1","type":"next","payload":');
    const body = Buffer.from(`"${'y'.repeat(1 << 20)}"}`);
    const written: number[] = [];
    let sent = 0;
    while (socket?.writableLength === 0 && sent < 256) {
      const n = sent++;
      writer.sendJoined(prefix, body, () => written.push(n));
    }
    expect(socket?.writableLength).toBeGreaterThan(0);
    // Every frame before the one the kernel took in part was told at once; that one waits.
    expect(written).toEqual(Array.from({ length: sent - 1 }, (_, n) => n));
    writer.sendJoined(prefix, body, () => written.push(sent));
    writer.send('{"type":"pong"}', () => written.push(-1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toHaveLength(sent - 1);
    (client as unknown as { _socket: { resume(): void } })._socket.resume();
    await until(() => written.length === sent + 2);
    expect(written).toEqual([...Array.from({ length: sent + 1 }, (_, n) => n), -1]);
    await until(() => received.length === sent + 2);
    expect(received.at(-1)).toBe('{"type":"pong"}');
    client.close();
  });

  it('write nothing once the socket is closing', async () => {
    const { server, client, received } = await connectedPair(false);
    const writer = writerOf(server);
    server.close(1000, 'bye');
    writer.sendJoined(Buffer.from('{"id":"1","type":"next","payload":'), Buffer.from('{}}'));
    await new Promise((resolve) => client.once('close', resolve));
    expect(received).toEqual([]);
  });
});
