import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('quota settings', () => {
  it('defaults each provider to its free tier', () => {
    const { remote } = loadConfig({});
    expect(remote.alphavantage.quota).toEqual([{ points: 25, per: 'day' }]);
    expect(remote.finnhub.quota).toEqual([
      { points: 60, per: 'minute' },
      { points: 30, per: 'second' },
    ]);
    expect(remote.polygon.quota).toEqual([{ points: 5, per: 'minute' }]);
    expect(remote.fmp.quota).toEqual([{ points: 250, per: 'day' }]);
    expect(remote.twelvedata.quota).toEqual([
      { points: 8, per: 'minute' },
      { points: 800, per: 'day' },
    ]);
    expect(remote.fred.quota).toEqual([{ points: 120, per: 'minute' }]);
  });

  it('reads <NAME>_QUOTA as a list of N/s, N/min or N/day', () => {
    const { remote } = loadConfig({ FMP_QUOTA: '300/min, 10000/day', FINNHUB_QUOTA: '5/s', FRED_QUOTA: '2/second,100/minute' });
    expect(remote.fmp.quota).toEqual([
      { points: 300, per: 'minute' },
      { points: 10_000, per: 'day' },
    ]);
    expect(remote.finnhub.quota).toEqual([{ points: 5, per: 'second' }]);
    expect(remote.fred.quota).toEqual([
      { points: 2, per: 'second' },
      { points: 100, per: 'minute' },
    ]);
    // Untouched providers keep their defaults.
    expect(remote.polygon.quota).toEqual([{ points: 5, per: 'minute' }]);
  });

  it('takes an empty value as the default', () => {
    expect(loadConfig({ POLYGON_QUOTA: ' ' }).remote.polygon.quota).toEqual([{ points: 5, per: 'minute' }]);
  });

  it.each([
    ['a word', 'lots', '"lots" is not one'],
    ['a unit it does not know', '5/hour', '"5/hour" is not one'],
    ['zero', '0/day', '"0/day" is not one'],
    ['a fraction', '2.5/min', '"2.5/min" is not one'],
    ['a window twice', '5/min,6/min', 'the minute limit is given twice'],
    ['no limit at all', ',', 'expected limits like'],
  ])('refuses %s with one line naming the variable', (_what, value, detail) => {
    const attempt = () => loadConfig({ TWELVEDATA_QUOTA: value });
    expect(attempt).toThrowError(ConfigError);
    expect(attempt).toThrowError(new RegExp(`^Invalid TWELVEDATA_QUOTA \\(got "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\): expected limits like "250/day" or "60/min,30/s"`));
    expect(attempt).toThrowError(detail);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
