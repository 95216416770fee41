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
    const item = decodeItem(encodeTick(quote));
    expect(item).toEqual({ kind: 'tick', quote });
    expect(item?.kind === 'tick' && item.quote.timestamp instanceof Date).toBe(true);
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
