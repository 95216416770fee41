import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../src/providers/adapter.js';
import { CompanyProfileSchema, parseSymbol, ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

const WEDNESDAY = Date.UTC(2025, 10, 19, 15, 30);

function provider(seed = 7) {
  return createSimulatedProvider({ seed, tickMs: 1000, now: () => WEDNESDAY });
}

describe('simulated market: universe and profiles', () => {
  it('declares every capability under the id "simulated"', () => {
    const market = provider();
    expect(market.id).toBe('simulated');
    expect(market.name).toBe('Simulated market');
    expect(capabilitiesOf(market)).toEqual(['quote', 'history', 'profile', 'statements', 'search', 'stream']);
    expect(market.quote.batchSize).toBe(500);
    expect(market.profile.batchSize).toBe(500);
  });

  it('lists at least 150 unique, valid, canonical tickers', () => {
    const { symbols } = provider();
    expect(symbols.length).toBeGreaterThanOrEqual(150);
    expect(new Set(symbols).size).toBe(symbols.length);
    for (const symbol of symbols) expect(parseSymbol(symbol)).toBe(symbol);
  });

  it('includes foreign listings, share classes and funds', () => {
    const { symbols } = provider();
    for (const symbol of ['TSM', 'ASML', 'NVO', 'SONY', 'TM', 'SAP', 'BABA', 'SHEL', 'BRK.B', 'GOOGL', 'GOOG', 'SPY', 'QQQ']) {
      expect(symbols).toContain(symbol);
    }
  });

  it('gives every listed symbol a complete profile that parses', async () => {
    const market = provider();
    const profiles = await market.profile.fetch(market.symbols);
    expect(profiles.size).toBe(market.symbols.length);
    for (const symbol of market.symbols) {
      const profile = profiles.get(symbol);
      if (!(profile !== undefined && !(profile instanceof Error))) throw new Error(`no profile for ${symbol}`);
      expect(CompanyProfileSchema.parse(profile)).toEqual(profile);
      expect(profile.symbol).toBe(symbol);
      expect(profile.source).toBe('simulated');
      expect(profile.stale).toBe(false);
      expect(profile.name.length).toBeGreaterThan(0);
      expect(profile.description?.length ?? 0).toBeGreaterThan(20);
      expect(profile.marketCap ?? 0).toBeGreaterThan(1e9);
      expect(['NASDAQ', 'NYSE', 'NYSE ARCA']).toContain(profile.exchange);
    }
  });

  it('describes the well-known names as they are', async () => {
    const profiles = await provider().profile.fetch(['AAPL', 'TSM', 'BRK.B', 'SPY']);
    expect(profiles.get('AAPL')).toMatchObject({
      name: 'Apple Inc.',
      exchange: 'NASDAQ',
      sector: 'Information Technology',
      country: 'US',
      currency: 'USD',
    });
    expect(profiles.get('TSM')).toMatchObject({ country: 'TW', exchange: 'NYSE' });
    expect(profiles.get('BRK.B')).toMatchObject({ sector: 'Financials' });
    expect(profiles.get('SPY')).toMatchObject({ sector: null });
    const apple = profiles.get('AAPL');
    // Market cap moves with the simulated price but stays the right order of magnitude.
    if (apple === undefined || apple instanceof Error) throw new Error('no AAPL profile');
    expect(apple.marketCap).toBeGreaterThan(1e12);
    expect(apple.marketCap).toBeLessThan(1e13);
  });

  it('answers an unknown symbol in a batch with NOT_FOUND, without failing the rest', async () => {
    const profiles = await provider().profile.fetch(['MSFT', 'NOPE']);
    expect(profiles.get('MSFT')).toMatchObject({ symbol: 'MSFT' });
    const missing = profiles.get('NOPE');
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({ kind: ProviderFailureKind.NOT_FOUND, provider: 'simulated', message: 'Unknown symbol: NOPE' });
  });
});
