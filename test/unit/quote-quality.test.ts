import { describe, expect, it } from 'vitest';
import { DEFAULT_QUALITY_POLICY, gradeOf, gradeQuote, type Quote, type QuoteEvidence } from '../../src/domain/index.js';
import { reliabilityOf } from '../../src/market/quality/quote-grader.js';

/**
 * Grades of crafted quotes: one for every grade and one for every reason a dimension gives. Times
 * are fixed instants, so the grades do not depend on when the suite runs.
 */

/** Wednesday 2026-12-02, 10:00 New York: the regular session. */
const WEDNESDAY_10AM = Date.parse('2026-12-02T15:00:00Z');
/** Friday 2026-12-04, 16:00 New York: the close. */
const FRIDAY_CLOSE = Date.parse('2026-12-04T21:00:00Z');
/** Sunday 2026-12-06, 12:00 New York. */
const SUNDAY_NOON = Date.parse('2026-12-06T17:00:00Z');
/** Tuesday 2026-12-08, 11:00 New York. */
const TUESDAY_11AM = Date.parse('2026-12-08T16:00:00Z');

function quote(overrides: Partial<Quote> = {}, stampedMs = WEDNESDAY_10AM - 10_000): Quote {
  return {
    symbol: 'AAPL',
    price: 101,
    change: 1,
    changePercent: 1,
    open: 100.5,
    high: 101.5,
    low: 99.5,
    previousClose: 100,
    volume: 1_000_000,
    timestamp: new Date(stampedMs),
    source: 'fmp',
    asOf: new Date(stampedMs),
    stale: false,
    ...overrides,
  };
}

function evidence(overrides: Partial<QuoteEvidence> = {}): QuoteEvidence {
  return { nowMs: WEDNESDAY_10AM, delayMs: 0, others: [], reliability: { score: 100, reasons: [] }, ...overrides };
}

function dimension(result: ReturnType<typeof gradeQuote>, name: string) {
  return result.dimensions.find((candidate) => candidate.name === name);
}

describe('a quote’s quality grade', () => {
  it('gives a complete, consistent, timely quote of a healthy provider an A of 100, agreement unjudged without other sources', () => {
    const result = gradeQuote(quote(), evidence(), DEFAULT_QUALITY_POLICY);
    expect(result).toMatchObject({ grade: 'A', score: 100, session: 'REGULAR' });
    expect(dimension(result, 'agreement')).toEqual({ name: 'agreement', score: null, weight: 15, reasons: ['no other source known for this symbol'] });
    for (const name of ['timeliness', 'completeness', 'consistency', 'reliability']) expect(dimension(result, name)).toMatchObject({ score: 100, reasons: [] });
  });

  describe('timeliness, judged against the session', () => {
    it('finds a Friday close read on Sunday on time', () => {
      const result = gradeQuote(quote({}, FRIDAY_CLOSE - 1_000), evidence({ nowMs: SUNDAY_NOON }), DEFAULT_QUALITY_POLICY);
      expect(result.session).toBe('CLOSED');
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 100, reasons: [] });
    });

    it('finds the same price read at 11:00 on the Tuesday after 90 minutes behind the open market', () => {
      const result = gradeQuote(quote({}, FRIDAY_CLOSE - 1_000), evidence({ nowMs: TUESDAY_11AM }), DEFAULT_QUALITY_POLICY);
      expect(result.session).toBe('REGULAR');
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 0, reasons: ['90 min behind the open market (fully timely within 120 s)'] });
    });

    it('scores a lag between fresh and stale on a line, and says so', () => {
      // 16 minutes behind: (1800 − 960) / (1800 − 120) of 100 = 50.
      const result = gradeQuote(quote({}, WEDNESDAY_10AM - 16 * 60_000), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 50, reasons: ['16 min behind the open market (fully timely within 120 s)'] });
    });

    it('does not count the delay a delayed quote has on purpose', () => {
      const result = gradeQuote(quote({}, WEDNESDAY_10AM - 15 * 60_000 - 20_000), evidence({ delayMs: 15 * 60_000 }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 100, reasons: [] });
    });

    it('gives a price stamped in the future nothing', () => {
      const result = gradeQuote(quote({}, WEDNESDAY_10AM + 5 * 60_000), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 0, reasons: ['stamped 5 min ahead of the market clock'] });
    });

    it('holds a quote served stale to half at most', () => {
      const result = gradeQuote(quote({ stale: true }), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 50, reasons: ['served past its freshness: no provider could answer'] });
    });

    it('judges a pre-market read against the last close, not against now', () => {
      // Wednesday 2026-12-02, 08:00 New York; the quote is Tuesday's close.
      const result = gradeQuote(quote({}, Date.parse('2026-12-01T21:00:00Z')), evidence({ nowMs: Date.parse('2026-12-02T13:00:00Z') }), DEFAULT_QUALITY_POLICY);
      expect(result.session).toBe('PRE_MARKET');
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 100 });
    });

    it('finds Wednesday’s price read on Friday after Thanksgiving (a holiday between) a session behind', () => {
      // Friday 2026-11-27 is an early close at 13:00; read at 14:00 New York, the quote is Wednesday's close.
      const result = gradeQuote(quote({}, Date.parse('2026-11-25T21:00:00Z')), evidence({ nowMs: Date.parse('2026-11-27T19:00:00Z') }), DEFAULT_QUALITY_POLICY);
      expect(result.session).toBe('AFTER_HOURS');
      expect(dimension(result, 'timeliness')).toMatchObject({ score: 0, reasons: ['3.5 h behind the latest close (fully timely within 120 s)'] });
    });
  });

  it('takes a fifth of completeness per missing field and names them', () => {
    const result = gradeQuote(quote({ open: null, volume: null }), evidence(), DEFAULT_QUALITY_POLICY);
    expect(dimension(result, 'completeness')).toMatchObject({ score: 60, reasons: ['missing open, volume'] });
  });

  describe('consistency', () => {
    it('flags a price outside the day’s range and an open outside it', () => {
      const result = gradeQuote(quote({ price: 103, change: 3, changePercent: 3, open: 98 }), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'consistency')).toMatchObject({
        score: 40,
        reasons: ["price 103 outside the day's range 99.5–101.5", "open 98 outside the day's range 99.5–101.5"],
      });
    });

    it('flags a high below the low', () => {
      const result = gradeQuote(quote({ high: 99, low: 102 }), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'consistency')).toMatchObject({ score: 50, reasons: ['high 99 below low 102'] });
    });

    it('flags a change that is not price − previous close, and a percent that does not follow', () => {
      const result = gradeQuote(quote({ change: 2.5, changePercent: 2.5 }), evidence(), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'consistency')).toMatchObject({
        score: 55,
        reasons: ['change +2.5 but price − previous close is +1', 'changePercent +2.5 but the change is +1 %'],
      });
    });

    it('flags a move beyond the jump limit of recent daily returns, once they are known', () => {
      const jumpy = quote({ price: 110, change: 10, changePercent: 10, high: 111, low: 99.5 });
      expect(dimension(gradeQuote(jumpy, evidence(), DEFAULT_QUALITY_POLICY), 'consistency')).toMatchObject({ score: 100 });
      const result = gradeQuote(jumpy, evidence({ dailyReturns: { sigma: 0.01, count: 60 } }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'consistency')).toMatchObject({
        score: 60,
        reasons: ['a +10 % move is 9.5 σ of the last 60 daily returns (jump beyond 6 σ)'],
      });
    });
  });

  describe('agreement', () => {
    it('agrees within the band of the other sources’ median', () => {
      const result = gradeQuote(quote(), evidence({ others: [{ source: 'polygon', price: 101.5 }, { source: 'finnhub', price: 100.8 }] }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'agreement')).toMatchObject({ score: 100, reasons: [] });
    });

    it('loses half its score per band beyond it and names the sources', () => {
      // 101 against a median of 98.06: 3.0 % away, two bands beyond the 1 % band.
      const result = gradeQuote(quote(), evidence({ others: [{ source: 'polygon', price: 98.06 }] }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'agreement')).toMatchObject({ score: 0, reasons: ['3.00 % from the median of polygon (agreeing within 1 %)'] });
    });

    it('never compares a source with itself', () => {
      const result = gradeQuote(quote(), evidence({ others: [{ source: 'fmp', price: 50 }] }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'agreement')).toMatchObject({ score: null });
    });
  });

  describe('source reliability, from the provider’s health', () => {
    it('is 10 with an open breaker, 50 half-open, the success rate beyond five calls', () => {
      expect(reliabilityOf({ breaker: 'OPEN', calls: 0, failures: 0 })).toEqual({ score: 10, reasons: ['breaker open: the provider is failing'] });
      expect(reliabilityOf({ breaker: 'HALF_OPEN', calls: 0, failures: 0 })).toEqual({ score: 50, reasons: ['breaker half-open: being probed after failures'] });
      expect(reliabilityOf({ breaker: 'CLOSED', calls: 20, failures: 5 })).toEqual({ score: 75, reasons: ['answered 75 % of 20 calls in the last 5 minutes'] });
      expect(reliabilityOf({ breaker: 'CLOSED', calls: 4, failures: 2 })).toEqual({ score: 100, reasons: [] });
      expect(reliabilityOf(undefined)).toBeUndefined();
    });

    it('is unjudged for a source routing does not know', () => {
      const result = gradeQuote(quote({ source: 'elsewhere' }), evidence({ reliability: undefined }), DEFAULT_QUALITY_POLICY);
      expect(dimension(result, 'reliability')).toMatchObject({ score: null, reasons: ['elsewhere is not a provider this gateway routes to'] });
    });
  });

  describe('every grade', () => {
    const agreeing = { others: [{ source: 'polygon', price: 101 }] };
    const behind = (minutes: number) => WEDNESDAY_10AM - minutes * 60_000;
    it.each([
      ['A', quote(), evidence()],
      // Timeliness 50 of weight 30, the rest 100, over weights of 100: 85.
      ['B', quote({}, behind(16)), evidence(agreeing)],
      // Timeliness 0: 70.
      ['C', quote({}, behind(45)), evidence(agreeing)],
      // Timeliness 0, agreement unjudged: 6,000 / 85 = 65.
      ['D', quote({}, behind(45)), evidence()],
      // And an open breaker and a price out of its range: (0 + 1,500 + 25 × 60 + 150) / 85 = 37.
      ['F', quote({ price: 103, change: 3, changePercent: 3 }, behind(45)), evidence({ reliability: reliabilityOf({ breaker: 'OPEN', calls: 0, failures: 0 }) })],
    ] as const)('grades %s', (grade, crafted, facts) => {
      expect(gradeQuote(crafted, facts, DEFAULT_QUALITY_POLICY).grade).toBe(grade);
    });

    it('follows configured floors and weights', () => {
      expect(gradeOf(85, { A: 95, B: 85, C: 75, D: 65 })).toBe('B');
      expect(gradeOf(64, { A: 95, B: 85, C: 75, D: 65 })).toBe('F');
      const timelinessOnly = { ...DEFAULT_QUALITY_POLICY, weights: { timeliness: 1, completeness: 0, consistency: 0, agreement: 0, reliability: 0 } };
      expect(gradeQuote(quote({ open: null, high: null, low: null, volume: null }), evidence(), timelinessOnly)).toMatchObject({ grade: 'A', score: 100 });
    });
  });
});
