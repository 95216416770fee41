import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, type Quote } from '../../src/domain/index.js';
import { MarketCache } from '../../src/market/cache/cache.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { MarketService, type ProviderCallEvent } from '../../src/market/service.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

const FIXED_NOW = Date.parse('2026-03-04T15:00:00Z');

function serviceOnSimulatedMarket() {
  const calls: ProviderCallEvent[] = [];
  const provider = createSimulatedProvider({ seed: 7, tickMs: 1_000, now: () => FIXED_NOW });
  const cache = new MarketCache({
    maxEntries: 1_000,
    ttlMs: { quote: 60_000, history: 60_000, profile: 60_000, statements: 60_000, search: 60_000, economicSeries: 60_000 },
    now: () => FIXED_NOW,
  });
  const service = new MarketService({ registry: new ProviderRegistry([provider]), cache, onProviderCall: (call) => calls.push(call) });
  return { service, calls, provider };
}

const codeOf = (value: unknown) => (value instanceof MarketError ? value.code : 'value');

describe('MarketService.getQuotes', () => {
  it('answers one entry per input, in order, each failing alone', async () => {
    const { service } = serviceOnSimulatedMarket();
    const answers = await service.getQuotes(['aapl', 'NOPE!', 'ZZZZ', ' msft ']);
    expect(answers.map(codeOf)).toEqual(['value', ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND, 'value']);
    expect((answers[0] as Quote).symbol).toBe('AAPL');
    expect((answers[3] as Quote).symbol).toBe('MSFT');
  });

  it('asks the provider once for a batch, with each symbol once', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    await service.getQuotes(['AAPL', 'MSFT', 'aapl', 'NVDA']);
    expect(calls).toEqual([expect.objectContaining({ provider: 'simulated', capability: 'quote', items: 3, outcome: 'ok' })]);
  });

  it('answers a repeat from the cache without a provider call', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    const [first] = await service.getQuotes(['AAPL']);
    const [second] = await service.getQuotes(['AAPL']);
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('lets concurrent requests for the same symbols share one provider call', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    const results = await Promise.all(Array.from({ length: 20 }, () => service.getQuotes(['AAPL', 'MSFT'])));
    expect(calls).toHaveLength(1);
    expect(new Set(results.map((answers) => (answers[0] as Quote).price)).size).toBe(1);
  });

  it('fetches only the misses when part of a batch is cached', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    await service.getQuotes(['AAPL']);
    await service.getQuotes(['AAPL', 'MSFT', 'NVDA']);
    expect(calls.map((call) => call.items)).toEqual([1, 2]);
  });
});

describe('MarketService queries', () => {
  it('normalises the symbol of a statement query and caches the answer', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    const query = { symbol: ' aapl', statement: 'INCOME', period: 'ANNUAL', limit: 2 } as const;
    const statements = await service.getStatements(query);
    expect(statements).toHaveLength(2);
    expect(statements.every((statement) => statement.symbol === 'AAPL')).toBe(true);
    await service.getStatements({ ...query, symbol: 'AAPL' });
    expect(calls).toHaveLength(1);
  });

  it('rejects a bad symbol before any provider call', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    await expect(service.getHistory({ symbol: 'NOPE!', from: '2025-01-01', to: '2025-02-01', interval: 'DAY' })).rejects.toMatchObject({
      code: ErrorCode.BAD_USER_INPUT,
    });
    expect(calls).toHaveLength(0);
  });

  it('turns a provider NOT_FOUND into a client NOT_FOUND', async () => {
    const { service } = serviceOnSimulatedMarket();
    await expect(service.getStatements({ symbol: 'ZZZZ', statement: 'BALANCE', period: 'ANNUAL', limit: 1 })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
  });

  it('searches case- and space-insensitively through one cache entry', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    const first = await service.search({ query: 'Apple', limit: 5 });
    const second = await service.search({ query: '  apple ', limit: 5 });
    expect(first[0]?.symbol).toBe('AAPL');
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it('refuses blank and over-long search text as BAD_USER_INPUT without asking a provider', async () => {
    const { service, calls } = serviceOnSimulatedMarket();
    for (const query of ['', '   ', '\t\n', 'x'.repeat(65)]) {
      await expect(service.search({ query, limit: 5 })).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT, details: { field: 'query' } });
    }
    expect(await service.search({ query: 'x'.repeat(64), limit: 5 })).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});
