import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { flavourOf, redisVersionOf } from '../../src/streaming/cluster/pubsub-flavour.js';
import { decodeItem, encodeError, encodeTick } from '../../src/streaming/cluster/tick-wire.js';

const quote: Quote = {
  symbol: 'AAPL',
  price: 190.5,
  change: 1.2,
  changePercent: 0.63,
  open: 189,
  high: 191,
  low: 188.5,
  previousClose: 189.3,
  volume: 1200,
  timestamp: new Date('2024-03-06T15:30:00.123Z'),
  source: 'finnhub',
  asOf: new Date('2024-03-06T15:30:00.100Z'),
  stale: false,
};

describe('what travels on a tick channel', () => {
  it('a tick comes back as the same quote, Dates as Dates', () => {
    const item = decodeItem(encodeTick(quote, Date.now()));
    expect(item).toEqual({ kind: 'tick', quote, receivedAt: expect.any(Number) });
    expect(item?.kind === 'tick' && item.quote.timestamp instanceof Date).toBe(true);
  });

  it("a tick says when its owner received it, on this process's monotonic clock", () => {
    // Received 40 ms before this instance reads it: the hub's latency starts 40 ms back.
    const before = performance.now();
    const item = decodeItem(encodeTick(quote, Date.now() - 40));
    const after = performance.now();
    const receivedAt = item?.kind === 'tick' ? item.receivedAt : undefined;
    expect(receivedAt).toBeGreaterThanOrEqual(before - 40 - 2);
    expect(receivedAt).toBeLessThanOrEqual(after - 40 + 2);
    // A stamp ahead of this clock (another host's) counts as now, never as a time to come.
    const ahead = decodeItem(encodeTick(quote, Date.now() + 60_000));
    expect(ahead?.kind === 'tick' && ahead.receivedAt).toBeLessThanOrEqual(performance.now());
    // A release before the stamp sends none: the tick reads, its latency starts at the hub.
    expect(decodeItem(JSON.stringify({ f: 1, q: quote }))).toEqual({ kind: 'tick', quote, receivedAt: undefined });
  });

  it('errors keep what the hub maps them by: a provider failure its kind, a client error its code', () => {
    const notFound = decodeItem(encodeError(new ProviderError(ProviderFailureKind.NOT_FOUND, 'finnhub', 'no such symbol')));
    expect(notFound?.kind === 'error' && notFound.error).toBeInstanceOf(ProviderError);
    expect(notFound?.kind === 'error' && (notFound.error as ProviderError).kind).toBe(ProviderFailureKind.NOT_FOUND);
    const limited = decodeItem(encodeError(new MarketError(ErrorCode.RATE_LIMITED, 'slow down', { symbol: 'AAPL' })));
    expect(limited?.kind === 'error' && limited.error).toEqual(new MarketError(ErrorCode.RATE_LIMITED, 'slow down', { symbol: 'AAPL' }));
    const other = decodeItem(encodeError(new TypeError('boom')));
    expect(other?.kind === 'error' && other.error.message).toBe('boom');
  });

  it('anything else is dropped, never shown', () => {
    expect(decodeItem('not json')).toBeUndefined();
    expect(decodeItem(JSON.stringify({ f: 2, q: quote }))).toBeUndefined();
    expect(decodeItem(JSON.stringify({ f: 1, q: { ...quote, price: -1 } }))).toBeUndefined();
    expect(decodeItem(JSON.stringify({ f: 1, q: { ...quote, timestamp: 'yesterday' } }))).toBeUndefined();
  });
});

describe('sharded or classic pub/sub', () => {
  it('sharded from Redis 7 on, read from INFO server', () => {
    expect(redisVersionOf('# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n')).toBe('7.0.15');
    expect(flavourOf('7.0.15')).toBe('sharded');
    expect(flavourOf('7.2.4')).toBe('sharded');
    expect(flavourOf('6.2.14')).toBe('classic');
    expect(flavourOf('0')).toBe('classic');
  });
});
