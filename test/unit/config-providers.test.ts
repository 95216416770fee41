import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('provider settings', () => {
  it('chains every provider that has a key, in a fixed order, then the simulated market', () => {
    const config = loadConfig({ FRED_API_KEY: 'f1', FMP_API_KEY: 'a, b ,', POLYGON_API_KEY: 'p' });
    expect(config.providers).toEqual(['fmp', 'polygon', 'fred', 'simulated']);
    expect(config.remote.fmp.keys).toEqual(['a', 'b']);
    expect(config.remote.alphavantage.keys).toEqual([]);
  });

  it('defaults every base URL to the real API and accepts an override without a trailing slash', () => {
    const config = loadConfig({ FINNHUB_BASE_URL: 'http://127.0.0.1:9999/api/v1/' });
    expect(config.remote.finnhub.baseUrl).toBe('http://127.0.0.1:9999/api/v1');
    expect(config.remote.fmp.baseUrl).toBe('https://financialmodelingprep.com');
    expect(config.remote.fred.timeoutMs).toBe(10_000);
  });

  it('turns each feed on at its documented URL unless the REST base points elsewhere, and takes a symbol cap per connection', () => {
    const config = loadConfig({ FINNHUB_BASE_URL: 'http://127.0.0.1:9999', POLYGON_WS_SYMBOLS: '25' });
    expect(config.remote.polygon.wsUrl).toBe('wss://socket.polygon.io/stocks');
    expect(config.remote.finnhub.wsUrl).toBeUndefined();
    expect(loadConfig({ FINNHUB_BASE_URL: 'http://127.0.0.1:9999', FINNHUB_WS_URL: 'ws://127.0.0.1:9998' }).remote.finnhub.wsUrl).toBe('ws://127.0.0.1:9998');
    expect(config.remote.polygon.wsSymbolCap).toBe(25);
    expect(config.remote.finnhub.wsSymbolCap).toBeUndefined();
    expect(() => loadConfig({ FINNHUB_WS_SYMBOLS: '0' })).toThrowError(ConfigError);
  });

  it('takes PROVIDERS as the chain when given, and may leave the simulated market out', () => {
    const config = loadConfig({ PROVIDERS: 'polygon,fmp', FMP_API_KEY: 'a', POLYGON_API_KEY: 'p' });
    expect(config.providers).toEqual(['polygon', 'fmp']);
  });

  it('refuses a provider in PROVIDERS that has no key, naming the variable', () => {
    expect(() => loadConfig({ PROVIDERS: 'fmp,simulated' })).toThrowError(ConfigError);
    expect(() => loadConfig({ PROVIDERS: 'fmp,simulated' })).toThrowError(/needs FMP_API_KEY/);
  });

  it('refuses a base URL that is not http(s), without echoing it', () => {
    expect(() => loadConfig({ FMP_BASE_URL: 'ftp://example.com' })).toThrowError(/^Invalid FMP_BASE_URL: /);
  });

  it('reads the provider switches', () => {
    const config = loadConfig({ ALPHAVANTAGE_PREMIUM: 'true', FMP_API: 'v3', FMP_BATCH_QUOTES: 'yes' });
    expect(config.alphavantage.premium).toBe(true);
    expect(config.fmp).toEqual({ api: 'v3', batchQuotes: true });
  });
});

describe('resilience settings', () => {
  it('gives every provider the global policy unless it has its own overrides', () => {
    const config = loadConfig({ RETRY_MAX: '2', BREAKER_OPEN_MS: '30000', FMP_RETRY_MAX: '0', FMP_BULKHEAD_CONCURRENCY: '4', FRED_BREAKER_THRESHOLD: '5' });
    expect(config.remote.fmp.policy.retry.maxRetries).toBe(0);
    expect(config.remote.fmp.policy.bulkhead).toEqual({ maxConcurrent: 4, maxQueued: 100 });
    expect(config.remote.polygon.policy.retry.maxRetries).toBe(2);
    expect(config.remote.fred.policy.breaker).toEqual({ kind: 'consecutive', threshold: 5, halfOpenAfterMs: 30_000 });
    expect(config.remote.polygon.policy.breaker).toEqual({ kind: 'consecutive', threshold: 3, halfOpenAfterMs: 30_000 });
    expect(config.resilience.chainBudgetMs).toBe(3_000);
  });

  it('offers a sampling breaker', () => {
    const config = loadConfig({ BREAKER: 'sampling', BREAKER_FAILURE_RATE: '0.25', BREAKER_WINDOW_MS: '10000' });
    expect(config.remote.finnhub.policy.breaker).toMatchObject({ kind: 'sampling', threshold: 0.25, windowMs: 10_000 });
  });

  it('refuses a bad per-provider override, naming it', () => {
    expect(() => loadConfig({ POLYGON_RETRY_MAX: 'lots' })).toThrowError(/^Invalid POLYGON_RETRY_MAX/);
  });
});

describe('dead-letter settings', () => {
  it('retries failed background work after 1, 2 and 4 s and keeps 1,000 jobs per provider unless told otherwise', () => {
    expect(loadConfig({}).deadLetters).toEqual({ retryDelaysMs: [1_000, 2_000, 4_000], maxPerProvider: 1_000 });
    expect(loadConfig({ DLQ_RETRY_DELAYS_MS: ' 50, 100 ,200', DLQ_MAX_PER_PROVIDER: '10' }).deadLetters).toEqual({ retryDelaysMs: [50, 100, 200], maxPerProvider: 10 });
  });

  it.each(['soon', '0,100', '1.5', '100,,200', '-5', '1,2,3,4,5,6,7,8,9,10,11', '3600001'])('refuses DLQ_RETRY_DELAYS_MS=%j with one line naming it', (value) => {
    expect(() => loadConfig({ DLQ_RETRY_DELAYS_MS: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ DLQ_RETRY_DELAYS_MS: value })).toThrowError(/^Invalid DLQ_RETRY_DELAYS_MS \(got ".*"\): expected retry delays in milliseconds like "1000,2000,4000"/);
  });
});
