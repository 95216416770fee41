import { describe, expect, it } from 'vitest';
import { checkBars, followsUsCalendar, type Bar } from '../../src/domain/index.js';

/** A price history's problems, found in crafted bars; the calendar is the US equity one (2026). */

function bar(date: string, close = 100, overrides: Partial<Bar> = {}): Bar {
  return { date, open: close, high: close + 1, low: close - 1, close, volume: 1_000, ...overrides };
}

describe('checkBars', () => {
  it('finds nothing in sound daily bars across a weekend and a holiday (Thanksgiving 2026-11-26)', () => {
    const bars = ['2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27', '2026-11-30'].map((date) => bar(date));
    expect(checkBars('AAPL', 'DAY', bars)).toEqual([]);
  });

  it('lists the sessions missing between two bars, holidays and weekends left out', () => {
    const problems = checkBars('AAPL', 'DAY', [bar('2026-11-20'), bar('2026-11-30')]);
    expect(problems).toEqual([
      {
        kind: 'MISSING_SESSIONS',
        index: 1,
        date: '2026-11-30',
        missingDates: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-27'],
        message: '4 sessions are missing between 2026-11-20 and 2026-11-30',
      },
    ]);
    expect(checkBars('AAPL', 'DAY', [bar('2026-12-01'), bar('2026-12-03')])[0]?.message).toBe('the session of 2026-12-02 is missing between 2026-12-01 and 2026-12-03');
  });

  it('flags a daily bar on a holiday or a weekend', () => {
    // 2026-07-03: Independence Day observed (July 4 is a Saturday).
    const problems = checkBars('AAPL', 'DAY', [bar('2026-07-02'), bar('2026-07-03'), bar('2026-07-04'), bar('2026-07-06')]);
    expect(problems.map(({ kind, date }) => [kind, date])).toEqual([
      ['NOT_A_SESSION', '2026-07-03'],
      ['NOT_A_SESSION', '2026-07-04'],
    ]);
  });

  it('flags duplicates and bars out of order, without reading a gap into them', () => {
    const problems = checkBars('AAPL', 'DAY', [bar('2026-12-01'), bar('2026-12-02'), bar('2026-12-02', 101), bar('2026-12-01'), bar('2026-12-03')]);
    expect(problems.map(({ kind, index, message }) => [kind, index, message])).toEqual([
      ['DUPLICATE', 2, 'a second bar for 2026-12-02'],
      ['OUT_OF_ORDER', 3, '2026-12-01 comes after 2026-12-02: bars must be oldest first'],
      ['MISSING_SESSIONS', 4, 'the session of 2026-12-02 is missing between 2026-12-01 and 2026-12-03'],
    ]);
  });

  it.each([
    [{ high: 98, low: 99 }, 'high 98 below low 99 on 2026-12-01'],
    [{ open: 103 }, 'open 103 outside 99–101 on 2026-12-01'],
    [{ close: 97 }, 'close 97 outside 99–101 on 2026-12-01'],
    [{ low: 0 }, 'non-positive price on 2026-12-01'],
    [{ volume: -5 }, 'negative volume on 2026-12-01'],
  ])('flags contradictory prices %o', (overrides, message) => {
    expect(checkBars('AAPL', 'DAY', [bar('2026-12-01', 100, overrides)])).toEqual([{ kind: 'OHLC_INVALID', index: 0, date: '2026-12-01', missingDates: [], message }]);
  });

  it('judges weekly bars and listings on other exchanges by order, duplicates and prices only', () => {
    expect(checkBars('AAPL', 'WEEK', [bar('2026-11-02'), bar('2026-11-30')])).toEqual([]);
    expect(checkBars('7203.T', 'DAY', [bar('2026-11-20'), bar('2026-11-26'), bar('2026-11-30')])).toEqual([]);
    expect(followsUsCalendar('BRK.B')).toBe(true);
    expect(followsUsCalendar('BF-B')).toBe(true);
    expect(followsUsCalendar('VOD.L')).toBe(false);
    expect(followsUsCalendar('SHOP.TO')).toBe(false);
  });

  it('caps the dates listed per gap at 20 and counts them all', () => {
    // January: 19 sessions after the 2nd (MLK Day off); February: 19 (Presidents’ Day off).
    const [gap] = checkBars('AAPL', 'DAY', [bar('2026-01-02'), bar('2026-03-02')]);
    expect(gap?.missingDates).toHaveLength(20);
    expect(gap?.message).toBe('38 sessions are missing between 2026-01-02 and 2026-03-02');
  });
});
