import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketDrain } from '../../src/server/socket-drain.js';

/**
 * The graphql-ws backpressure of one socket (socket-drain.ts) on a stand-in socket whose queued
 * bytes the test sets, and fake timers: reads wait above the high-water mark, resume when writes
 * drain it, and a socket that stays above it for slowCloseMs is closed with the given code.
 */

class FakeSocket {
  bufferedAmount = 0;
  closed: { code: number; reason: string } | undefined;
  terminated = false;
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  terminate(): void {
    this.terminated = true;
  }
}

const CLOSE = { code: 4508, reason: 'Slow consumer' };

describe('SocketDrain', () => {
  let socket: FakeSocket;
  let slowCloses: number;
  let drain: SocketDrain;
  beforeEach(() => {
    vi.useFakeTimers();
    socket = new FakeSocket();
    slowCloses = 0;
    drain = new SocketDrain(socket as unknown as WebSocket, { highWaterBytes: 1_000, slowCloseMs: 500, close: CLOSE, onSlowClose: () => (slowCloses += 1) });
  });
  afterEach(() => vi.useRealTimers());

  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    return done;
  };

  it('lets reads go at once at or below the mark', async () => {
    socket.bufferedAmount = 1_000;
    expect(await settled(drain.ready())).toBe(true);
  });

  it('holds reads above the mark until a write brings the queue back to it', async () => {
    socket.bufferedAmount = 5_000;
    const first = drain.ready();
    const second = drain.ready();
    expect(await settled(first)).toBe(false);
    socket.bufferedAmount = 2_000;
    drain.written();
    expect(await settled(second)).toBe(false);
    socket.bufferedAmount = 800;
    drain.written();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.closed).toBeUndefined();
  });

  it('closes a socket that stays above the mark for slowCloseMs, and cuts it if the close frame cannot get through', async () => {
    socket.bufferedAmount = 5_000;
    const waiting = drain.ready();
    await vi.advanceTimersByTimeAsync(499);
    expect(socket.closed).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.closed).toEqual(CLOSE);
    expect(slowCloses).toBe(1);
    // Nothing more is read for it until the socket has closed.
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(socket.terminated).toBe(true);
    drain.dispose();
    expect(await settled(waiting)).toBe(true);
  });

  it('never closes with slowCloseMs 0', async () => {
    drain = new SocketDrain(socket as unknown as WebSocket, { highWaterBytes: 1_000, slowCloseMs: 0, close: CLOSE });
    socket.bufferedAmount = 5_000;
    void drain.ready();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.closed).toBeUndefined();
  });
});
