import { describe, expect, it } from 'vitest';
import { SymbolMatchSchema } from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

const market = createSimulatedProvider({ seed: 7, tickMs: 1000, now: () => Date.UTC(2025, 10, 19) });

async function search(query: string, limit = 10): Promise<string[]> {
  const matches = await market.search.fetch({ query, limit });
  for (const match of matches) expect(SymbolMatchSchema.parse(match)).toEqual(match);
  return matches.map((match) => match.symbol);
}

describe('simulated market: symbol search', () => {
  it('finds a company by name', async () => {
    expect((await search('apple'))[0]).toBe('AAPL');
    expect((await search('Coca-Cola'))[0]).toBe('KO');
    expect((await search('berkshire'))[0]).toBe('BRK.B');
    expect(await search("mcdonald's")).toEqual(['MCD']);
  });

  it('matches every query word as the start of a word of the name, biggest companies first', async () => {
    const micro = await search('micro');
    expect(micro.slice(0, 3)).toEqual(['MSFT', 'AMD', 'MU']);
    expect(micro).toContain('MCHP');
    expect(await search('advanced micro')).toEqual(['AMD']);
    expect(await search('pple')).toEqual([]);
  });

  it('ranks the exact ticker first, then tickers it starts', async () => {
    const t = await search('T', 20);
    expect(t[0]).toBe('T');
    expect(t.slice(1, 4)).toEqual(['TSM', 'TSLA', 'TMUS']);
    expect((await search('ma'))[0]).toBe('MA');
    expect(await search('goog')).toEqual(['GOOG', 'GOOGL']);
    expect((await search('brk.b'))[0]).toBe('BRK.B');
    expect((await search('BRK-B'))[0]).toBe('BRK.B');
  });

  it('puts a ticker match ahead of a name match', async () => {
    const matches = await search('meta');
    expect(matches[0]).toBe('META');
  });

  it('keeps "&" inside a word, so "S&P" finds the names that say S&P and nothing that merely has an S or a P', async () => {
    expect(await search('S&P')).toEqual(['SPY', 'SPGI']);
    expect(await search('s&p global')).toEqual(['SPGI']);
    expect(await search('s&p 500')).toEqual(['SPY']);
    expect(await search('AT&T')).toEqual(['T']);
  });

  it('reads "j&j" as the initials of "Johnson & Johnson"', async () => {
    expect(await search('j&j')).toEqual(['JNJ']);
    expect(await search('P&G')).toEqual(['PG']);
  });

  it('still ranks tickers and plain names as before', async () => {
    expect((await search('apple'))[0]).toBe('AAPL');
    expect((await search('AAPL'))[0]).toBe('AAPL');
    expect((await search('brk.b'))[0]).toBe('BRK.B');
    expect((await search('brk b'))[0]).toBe('BRK.B');
    expect(await search('johnson')).toEqual(['JNJ']);
  });

  it('describes each match', async () => {
    const [spy] = await market.search.fetch({ query: 'SPY', limit: 1 });
    expect(spy).toEqual({ symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', exchange: 'NYSE ARCA', type: 'ETF', source: 'simulated' });
    const [apple] = await market.search.fetch({ query: 'apple', limit: 1 });
    expect(apple).toMatchObject({ symbol: 'AAPL', type: 'EQUITY', exchange: 'NASDAQ' });
  });

  it('honours the limit and answers nothing for a blank query', async () => {
    expect(await search('a', 3)).toHaveLength(3);
    expect(await search('   ')).toEqual([]);
    expect(await search('')).toEqual([]);
    expect(await search('zzzzzz')).toEqual([]);
  });
});
