import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { decodeOutcome, encodeOutcome } from '../../src/market/coalescing/flight-outcome.js';

/** What a waiting instance makes of the outcome another instance fetched. */

const quote: Quote = {
  symbol: 'AAPL',
  price: 232.8,
  change: 4.79,
  changePercent: 2.1,
  open: 227.2,
  high: 233.13,
  low: 226.65,
  previousClose: 228.01,
  volume: 44_489_128,
  timestamp: new Date('2025-02-04T21:00:01.000Z'),
  source: 'fmp',
  asOf: new Date('2025-02-04T21:00:05.000Z'),
  stale: false,
};

describe('flight outcomes between instances', () => {
  it('carries a value with its Dates as Dates', () => {
    const decoded = decodeOutcome('quote', encodeOutcome(quote, undefined) ?? '');
    expect(decoded).toEqual({ value: quote });
    expect((decoded as { value: Quote }).value.timestamp).toBeInstanceOf(Date);
  });

  it('carries the fallback providers apart from the value as cached', () => {
    const decoded = decodeOutcome('quote', encodeOutcome({ ...quote, fallbackFrom: ['polygon'] }, undefined) ?? '');
    expect(decoded).toEqual({ value: quote, fallbackFrom: ['polygon'] });
  });

  it('carries lists (price history) as they are', () => {
    const bars = [{ date: '2025-02-03', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }];
    expect(decodeOutcome('history', encodeOutcome(bars, undefined) ?? '')).toEqual({ value: bars });
  });

  it('carries a NOT_FOUND as a final answer, with its code, words and details', () => {
    const notFound = new MarketError(ErrorCode.NOT_FOUND, 'No quote found for symbol "ZZZZ".', { symbol: 'ZZZZ' });
    const decoded = decodeOutcome('quote', encodeOutcome(notFound, undefined) ?? '');
    expect(decoded).toMatchObject({ final: true, error: { code: 'NOT_FOUND', message: 'No quote found for symbol "ZZZZ".', details: { symbol: 'ZZZZ' } } });
    expect((decoded as { error: unknown }).error).toBeInstanceOf(MarketError);
  });

  it('carries an outage as the client error, not final, and never the provider’s own words', () => {
    const outage = new ProviderError(ProviderFailureKind.RATE_LIMITED, 'fmp', 'fmp: HTTP 429 for https://x.invalid/?apikey=secret', { retryAfterMs: 30_000 });
    const payload = encodeOutcome(new MarketError(ErrorCode.RATE_LIMITED, 'stale copy lost'), outage) ?? '';
    expect(payload).not.toContain('secret');
    expect(decodeOutcome('quote', payload)).toMatchObject({ final: false, error: { code: 'RATE_LIMITED', details: { retryAfter: 30 } } });
  });

  it('refuses what it cannot trust: another kind’s value, a broken value, not JSON', () => {
    const payload = encodeOutcome(quote, undefined) ?? '';
    expect(decodeOutcome('profile', payload)).toBeUndefined();
    expect(decodeOutcome('quote', payload.replace('232.8', '-1'))).toBeUndefined();
    expect(decodeOutcome('quote', '{"value":')).toBeUndefined();
    expect(decodeOutcome('quote', JSON.stringify({ error: { code: 'TEAPOT', message: 'x', details: {} }, final: true }))).toBeUndefined();
  });
});
