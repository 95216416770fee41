import { EventEmitter } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import type { BreakerState } from '../../src/market/routing/provider-health.js';
import { createStreamEvents, type StreamEvents, type StreamState } from '../../src/providers/kit/stream-events.js';
import { anyDown, breakerHealth, streamSourceHealth, type SourceHealthChange } from '../../src/streaming/sources/routed-health.js';
import { ManualHealth } from '../support/fake-streams/tick-source.js';

/** The SourceHealth adapters: a stream's connection states, a breaker, and their union. */

function connectionDriver(events: StreamEvents): (connection: string, from: StreamState, to: StreamState) => void {
  return (connection, from, to) => events.emitStateChange({ provider: 'finnhub', connection, from, to });
}

describe('streamSourceHealth', () => {
  it('is down from a loss until the connection is authenticated again, not while it first dials', () => {
    const events = createStreamEvents();
    const health = streamSourceHealth(events);
    const changes: SourceHealthChange[] = [];
    health.onChange((change) => changes.push(change));
    const move = connectionDriver(events);
    move('finnhub#1', 'idle', 'connecting');
    move('finnhub#1', 'connecting', 'open');
    move('finnhub#1', 'open', 'authenticated');
    expect(health.down).toBe(false);
    move('finnhub#1', 'authenticated', 'reconnecting');
    expect(health.down).toBe(true);
    // Redialling is still down: the feed has not delivered anything yet.
    move('finnhub#1', 'reconnecting', 'connecting');
    move('finnhub#1', 'connecting', 'open');
    expect(health.down).toBe(true);
    move('finnhub#1', 'open', 'authenticated');
    expect(health.down).toBe(false);
    move('finnhub#1', 'authenticated', 'refused');
    expect(changes).toEqual([
      { down: true, reason: 'finnhub#1 reconnecting' },
      { down: false, reason: 'finnhub#1 authenticated' },
      { down: true, reason: 'finnhub#1 refused' },
    ]);
    health.dispose();
    move('finnhub#1', 'refused', 'connecting');
    move('finnhub#1', 'connecting', 'authenticated');
    expect(changes).toHaveLength(3);
  });

  it('stays up while another connection of the source is authenticated', () => {
    const events = createStreamEvents();
    const health = streamSourceHealth(events);
    const move = connectionDriver(events);
    move('finnhub#1', 'open', 'authenticated');
    move('finnhub#2', 'open', 'authenticated');
    move('finnhub#1', 'authenticated', 'reconnecting');
    expect(health.down).toBe(false);
    move('finnhub#2', 'authenticated', 'idle');
    expect(health.down).toBe(true);
    move('finnhub#1', 'reconnecting', 'idle');
    expect(health.down).toBe(false);
    health.dispose();
  });
});

describe('breakerHealth', () => {
  it('is down while the breaker is open or half-open', () => {
    let state: BreakerState = 'CLOSED';
    const changed = new EventEmitter<unknown>();
    const health = breakerHealth({ breakerState: () => state, breaker: { onStateChange: changed.addListener } });
    const changes: SourceHealthChange[] = [];
    health.onChange((change) => changes.push(change));
    state = 'OPEN';
    changed.emit(state);
    state = 'HALF_OPEN';
    changed.emit(state);
    expect(health.down).toBe(true);
    state = 'CLOSED';
    changed.emit(state);
    expect(changes).toEqual([
      { down: true, reason: 'breaker OPEN' },
      { down: false, reason: 'breaker CLOSED' },
    ]);
    health.dispose();
  });
});

describe('anyDown', () => {
  it('is down while any part is, and listens to its parts only while listened to', () => {
    const socket = new ManualHealth();
    const breaker = new ManualHealth();
    const health = anyDown(socket, breaker);
    expect(socket.listeners).toBe(0);
    const changes: boolean[] = [];
    const subscription = health.onChange((change) => changes.push(change.down));
    socket.set(true);
    breaker.set(true);
    socket.set(false);
    expect(health.down).toBe(true);
    breaker.set(false);
    expect(changes).toEqual([true, false]);
    subscription.dispose();
    expect(socket.listeners + breaker.listeners).toBe(0);
    socket.set(true);
    expect(health.down).toBe(true);
  });
});
