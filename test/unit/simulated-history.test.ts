import { describe, expect, it } from 'vitest';
import { BarSchema, checkBars, ProviderFailureKind, type Bar } from '../../src/domain/index.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';

/** Wednesday 2025-11-19, 15:30 UTC: today's session is in progress. */
const WEDNESDAY = Date.UTC(2025, 10, 19, 15, 30);
const SUNDAY = Date.UTC(2025, 10, 23, 9);

function provider(seed = 7, now = WEDNESDAY) {
  return createSimulatedProvider({ seed, tickMs: 1000, now: () => now });
}

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

describe('simulated market: price history', () => {
  it('serves at least five years of daily bars, one per NYSE trading day, oldest first', async () => {
    const bars = await provider().history.fetch({ symbol: 'AAPL', from: '1990-01-01', to: '2025-11-19', interval: 'DAY' });
    expect(bars[0]?.date.localeCompare('2020-11-19')).toBeLessThanOrEqual(0);
    expect(bars.at(-1)?.date).toBe('2025-11-19');
    // In order, no duplicates, no bar on a weekend or holiday, no session missing (the market calendar's checks).
    expect(checkBars('AAPL', 'DAY', bars)).toEqual([]);
    expect(bars.every((bar) => dayOfWeek(bar.date) >= 1 && dayOfWeek(bar.date) <= 5)).toBe(true);
  });

  it('has no bar on a holiday, and the session after one opens away from the last close', async () => {
    // Thanksgiving 2024-11-28, Christmas 2024-12-25, New Year's Day 2025-01-01, and the national day of mourning 2025-01-09.
    const bars = await provider().history.fetch({ symbol: 'AAPL', from: '2024-11-25', to: '2025-01-10', interval: 'DAY' });
    const dates = bars.map((bar) => bar.date);
    for (const holiday of ['2024-11-28', '2024-12-25', '2025-01-01', '2025-01-09']) expect(dates).not.toContain(holiday);
    expect(dates).toContain('2024-11-29');
    expect(dates).toContain('2025-01-08');
    expect(dates).toContain('2025-01-10');
  });

  it('gives bars that parse and bracket open and close for every symbol', async () => {
    const market = provider();
    for (const symbol of market.symbols) {
      const bars = await market.history.fetch({ symbol, from: '2020-11-01', to: '2025-12-31', interval: 'DAY' });
      expect(bars.length).toBeGreaterThan(5 * 250);
      // One assertion per symbol: a million `expect` calls would dominate the run.
      const broken = bars.filter(
        (bar) =>
          !BarSchema.safeParse(bar).success ||
          bar.low > Math.min(bar.open, bar.close) ||
          bar.high < Math.max(bar.open, bar.close) ||
          !Number.isInteger(bar.volume) ||
          bar.volume <= 0,
      );
      expect(broken, symbol).toEqual([]);
    }
  });

  it('shows today as the bar in progress, matching the live quote', async () => {
    const market = provider();
    const bars = await market.history.fetch({ symbol: 'MSFT', from: '2025-11-19', to: '2025-11-19', interval: 'DAY' });
    const quote = market.quoteAt('MSFT', WEDNESDAY);
    expect(bars).toEqual([
      { date: '2025-11-19', open: quote.open, high: quote.high, low: quote.low, close: quote.price, volume: quote.volume },
    ]);
  });

  it('has no bars for weekends or the future', async () => {
    const market = provider(7, SUNDAY);
    const bars = await market.history.fetch({ symbol: 'MSFT', from: '2025-11-20', to: '2026-12-31', interval: 'DAY' });
    expect(bars.map((bar) => bar.date)).toEqual(['2025-11-20', '2025-11-21']);
    const weekend = await market.history.fetch({ symbol: 'MSFT', from: '2025-11-22', to: '2025-11-23', interval: 'DAY' });
    expect(weekend).toEqual([]);
  });

  it('is deterministic per seed, and past bars do not change as time goes on', async () => {
    const query = { symbol: 'TSLA', from: '2023-01-01', to: '2023-03-31', interval: 'DAY' } as const;
    const first = await provider(42).history.fetch(query);
    expect(await provider(42).history.fetch(query)).toEqual(first);
    expect(await provider(42, WEDNESDAY + 90 * 86_400_000).history.fetch(query)).toEqual(first);
    expect(await provider(43).history.fetch(query)).not.toEqual(first);
  });

  it('aggregates weeks and months from the daily bars', async () => {
    const market = provider();
    const range = { symbol: 'JPM', from: '2024-01-01', to: '2024-12-31' } as const;
    const daily = await market.history.fetch({ ...range, interval: 'DAY' });
    for (const interval of ['WEEK', 'MONTH'] as const) {
      const bars = await market.history.fetch({ ...range, interval });
      const bucketOf = (date: string): string => {
        if (interval === 'MONTH') return date.slice(0, 7);
        const day = new Date(`${date}T00:00:00Z`);
        day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
        return day.toISOString().slice(0, 10);
      };
      const groups = new Map<string, Bar[]>();
      for (const bar of daily) groups.set(bucketOf(bar.date), [...(groups.get(bucketOf(bar.date)) ?? []), bar]);
      expect(bars).toHaveLength(groups.size);
      expect(bars).toHaveLength(interval === 'MONTH' ? 12 : 53);
      for (const [index, group] of [...groups.values()].entries()) {
        const firstBar = group[0] as Bar;
        const lastBar = group.at(-1) as Bar;
        expect(bars[index]).toEqual({
          date: firstBar.date,
          open: firstBar.open,
          close: lastBar.close,
          high: Math.max(...group.map((bar) => bar.high)),
          low: Math.min(...group.map((bar) => bar.low)),
          volume: group.reduce((sum, bar) => sum + bar.volume, 0),
        });
        BarSchema.parse(bars[index]);
      }
    }
  });

  it('dates a month by its first trading day', async () => {
    const bars = await provider().history.fetch({ symbol: 'KO', from: '2025-01-01', to: '2025-03-31', interval: 'MONTH' });
    // 2025-01-01 is New Year's Day.
    expect(bars.map((bar) => bar.date)).toEqual(['2025-01-02', '2025-02-03', '2025-03-03']);
  });

  it('answers an unknown symbol with NOT_FOUND', async () => {
    await expect(
      provider().history.fetch({ symbol: 'NOPE', from: '2025-01-01', to: '2025-02-01', interval: 'DAY' }),
    ).rejects.toMatchObject({ kind: ProviderFailureKind.NOT_FOUND, provider: 'simulated' });
  });

  it('yields nothing for a range entirely before the available history', async () => {
    const bars = await provider().history.fetch({ symbol: 'AAPL', from: '1980-01-01', to: '1985-01-01', interval: 'DAY' });
    expect(bars).toEqual([]);
  });
});
