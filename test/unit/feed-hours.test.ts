import { describe, expect, it } from 'vitest';
import { usEquityFeedHours } from '../../src/providers/kit/feed-hours.js';

/**
 * US equity feed hours: the sessions of trading days, 04:00–20:00 in New York (17:00 on early-close
 * days), daylight saving included, never on holidays. Fixed instants, no wall clock.
 */
describe('usEquityFeedHours', () => {
  it.each([
    ['Monday 10:00 EST', Date.UTC(2026, 0, 5, 15, 0), true],
    ['Monday 03:59 EST, before the pre-market', Date.UTC(2026, 0, 5, 8, 59), false],
    ['Monday 04:00 EST', Date.UTC(2026, 0, 5, 9, 0), true],
    ['Friday 19:59 EST, after-hours', Date.UTC(2026, 0, 10, 0, 59), true],
    ['Friday 20:00 EST', Date.UTC(2026, 0, 10, 1, 0), false],
    ['Saturday noon', Date.UTC(2026, 0, 10, 17, 0), false],
    ['Sunday 21:00 EST', Date.UTC(2026, 0, 12, 2, 0), false],
    ['Monday 04:00 EDT (summer)', Date.UTC(2026, 6, 6, 8, 0), true],
    ['Monday 03:59 EDT (summer)', Date.UTC(2026, 6, 6, 7, 59), false],
    ['Thanksgiving (Thursday) 11:00 EST, a holiday', Date.UTC(2026, 10, 26, 16, 0), false],
    ['Friday 3 July 2026 10:00 EDT, Independence Day observed', Date.UTC(2026, 6, 3, 14, 0), false],
    ['the day after Thanksgiving 16:59 EST, after-hours of an early close', Date.UTC(2026, 10, 27, 21, 59), true],
    ['the day after Thanksgiving 17:00 EST, closed after an early close', Date.UTC(2026, 10, 27, 22, 0), false],
  ])('%s: %s', (_label, at, open) => {
    expect(usEquityFeedHours(at)).toBe(open);
  });
});
