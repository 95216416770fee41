import { describe, expect, it } from 'vitest';
import { easterSunday, marketStatus, modelledExchange, usEquityEarlyCloses, usEquityHolidays, usEquityState, type CivilDate } from '../../src/domain/index.js';
import { MarketError } from '../../src/domain/index.js';

/**
 * The US equity market calendar (src/domain/calendar) against what NYSE publishes: "Holidays &
 * Trading Hours", https://www.nyse.com/markets/hours-calendars (full-day closures and 1:00 p.m.
 * early closes, per year; Nasdaq publishes the same days), NYSE Group's calendar announcements of
 * 2024-11-08 (2025–2027) and 2025-12-23 (2026–2028; both via Business Wire), which give the 2026
 * and 2027 rows below, and NYSE's notice of the closure on 2025-01-09 (National Day of Mourning
 * for President Carter). Every instant is fixed: no wall clock,
 * and nothing depends on the time zone the tests run in.
 */

const iso = (date: CivilDate): string => `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/** NYSE's published full-day closures, 2020–2027 (2025 includes the Carter day of mourning). */
const PUBLISHED_HOLIDAYS: Record<number, string[]> = {
  2020: ['2020-01-01', '2020-01-20', '2020-02-17', '2020-04-10', '2020-05-25', '2020-07-03', '2020-09-07', '2020-11-26', '2020-12-25'],
  2021: ['2021-01-01', '2021-01-18', '2021-02-15', '2021-04-02', '2021-05-31', '2021-07-05', '2021-09-06', '2021-11-25', '2021-12-24'],
  // New Year's Day 2022 fell on a Saturday and was not observed (2021-12-31 traded).
  2022: ['2022-01-17', '2022-02-21', '2022-04-15', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-11-24', '2022-12-26'],
  2023: ['2023-01-02', '2023-01-16', '2023-02-20', '2023-04-07', '2023-05-29', '2023-06-19', '2023-07-04', '2023-09-04', '2023-11-23', '2023-12-25'],
  2024: ['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25'],
  2025: ['2025-01-01', '2025-01-09', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25'],
  2026: ['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25'],
  2027: ['2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24'],
};

/** NYSE's published 1:00 p.m. early closes, 2020–2027. */
const PUBLISHED_EARLY_CLOSES: Record<number, string[]> = {
  2020: ['2020-11-27', '2020-12-24'],
  2021: ['2021-11-26'],
  2022: ['2022-11-25'],
  2023: ['2023-07-03', '2023-11-24'],
  2024: ['2024-07-03', '2024-11-29', '2024-12-24'],
  2025: ['2025-07-03', '2025-11-28', '2025-12-24'],
  2026: ['2026-11-27', '2026-12-24'],
  2027: ['2027-11-26'],
};

/** An instant given as New York wall-clock time with its UTC offset spelled out, e.g. at('2026-07-06T09:30', -4). */
const at = (local: string, offsetHours: number): number => Date.parse(`${local}:00Z`) - offsetHours * 3_600_000;

describe('the US equity holidays and early closes', () => {
  it.each(Object.keys(PUBLISHED_HOLIDAYS).map(Number))('match NYSE’s published full-day closures for %i', (year) => {
    expect(usEquityHolidays(year).map((holiday) => iso(holiday.date))).toEqual(PUBLISHED_HOLIDAYS[year]);
  });

  it.each(Object.keys(PUBLISHED_EARLY_CLOSES).map(Number))('match NYSE’s published early closes for %i', (year) => {
    expect(usEquityEarlyCloses(year).map(iso)).toEqual(PUBLISHED_EARLY_CLOSES[year]);
  });

  it('find Easter by the anonymous Gregorian algorithm', () => {
    expect([2019, 2020, 2024, 2025, 2027, 2038].map((year) => iso(easterSunday(year)))).toEqual([
      '2019-04-21', '2020-04-12', '2024-03-31', '2025-04-20', '2027-03-28', '2038-04-25',
    ]);
  });

  it('name each holiday as observed', () => {
    const names = Object.fromEntries(usEquityHolidays(2026).map((holiday) => [iso(holiday.date), holiday.name]));
    expect(names['2026-07-03']).toBe('Independence Day');
    expect(names['2026-04-03']).toBe('Good Friday');
    expect(usEquityHolidays(2022).find((holiday) => iso(holiday.date) === '2022-06-20')?.name).toBe('Juneteenth National Independence Day');
  });

  it('do not close for Juneteenth before 2022, nor for New Year’s Day on a Saturday (2021-12-31, 2027-12-31 trade)', () => {
    expect(usEquityHolidays(2021).map((holiday) => iso(holiday.date))).not.toContain('2021-06-18');
    expect(usEquityHolidays(2021).map((holiday) => iso(holiday.date))).not.toContain('2021-12-31');
    expect(usEquityHolidays(2028).map((holiday) => iso(holiday.date))).not.toContain('2028-01-01');
    expect(usEquityHolidays(2027).map((holiday) => iso(holiday.date))).not.toContain('2027-12-31');
  });
});

describe('usEquityState', () => {
  it('traded on 2021-12-31, the Friday before a Saturday New Year’s Day', () => {
    const state = usEquityState(at('2021-12-31T10:00', -5));
    expect(state).toMatchObject({ session: 'REGULAR', holiday: null, earlyClose: false });
    expect(new Date(state.nextClose).toISOString()).toBe('2021-12-31T21:00:00.000Z');
    // Saturday 2022-01-01 is no observed holiday: closed for the weekend only.
    expect(usEquityState(at('2022-01-01T12:00', -5))).toMatchObject({ session: 'CLOSED', holiday: null });
    expect(new Date(usEquityState(at('2022-01-01T12:00', -5)).nextOpen).toISOString()).toBe('2022-01-03T14:30:00.000Z');
  });

  it.each([
    ['03:59', 'CLOSED'],
    ['04:00', 'PRE_MARKET'],
    ['09:29', 'PRE_MARKET'],
    ['09:30', 'REGULAR'],
    ['15:59', 'REGULAR'],
    ['16:00', 'AFTER_HOURS'],
    ['19:59', 'AFTER_HOURS'],
    ['20:00', 'CLOSED'],
    ['23:59', 'CLOSED'],
    ['00:00', 'CLOSED'],
  ])('on an ordinary Wednesday (2026-12-02, EST) %s New York is %s', (time, session) => {
    expect(usEquityState(at(`2026-12-02T${time}`, -5)).session).toBe(session);
  });

  it('is exact to the millisecond at the boundaries', () => {
    const open = at('2026-12-02T09:30', -5);
    expect(usEquityState(open - 1).session).toBe('PRE_MARKET');
    expect(usEquityState(open).session).toBe('REGULAR');
    // At the open itself the market is open, so the next open is tomorrow's and the next close today's.
    expect(new Date(usEquityState(open).nextOpen).toISOString()).toBe('2026-12-03T14:30:00.000Z');
    expect(new Date(usEquityState(open - 1).nextOpen).toISOString()).toBe('2026-12-02T14:30:00.000Z');
    const close = at('2026-12-02T16:00', -5);
    expect(new Date(usEquityState(close - 1).nextClose).toISOString()).toBe('2026-12-02T21:00:00.000Z');
    expect(new Date(usEquityState(close).nextClose).toISOString()).toBe('2026-12-03T21:00:00.000Z');
  });

  it('follows daylight saving: the Mondays after the switches (2026-03-08, 2026-11-01) open at the right UTC instants', () => {
    // Friday 2026-03-06 is EST (UTC-5); Monday 2026-03-09 is EDT (UTC-4).
    const fridayAfterClose = usEquityState(at('2026-03-06T16:30', -5));
    expect(new Date(fridayAfterClose.nextOpen).toISOString()).toBe('2026-03-09T13:30:00.000Z');
    expect(new Date(fridayAfterClose.nextClose).toISOString()).toBe('2026-03-09T20:00:00.000Z');
    expect(usEquityState(Date.parse('2026-03-09T08:00:00Z')).session).toBe('PRE_MARKET');
    expect(usEquityState(Date.parse('2026-03-09T07:59:59Z')).session).toBe('CLOSED');
    expect(usEquityState(Date.parse('2026-03-09T13:30:00Z')).session).toBe('REGULAR');
    // The Sunday of the switch itself is closed all day.
    expect(usEquityState(Date.parse('2026-03-08T15:00:00Z')).session).toBe('CLOSED');
    // Friday 2026-10-30 is EDT; Monday 2026-11-02 is EST.
    const octoberFriday = usEquityState(at('2026-10-30T20:00', -4));
    expect(octoberFriday.session).toBe('CLOSED');
    expect(new Date(octoberFriday.nextOpen).toISOString()).toBe('2026-11-02T14:30:00.000Z');
    expect(new Date(octoberFriday.nextClose).toISOString()).toBe('2026-11-02T21:00:00.000Z');
    expect(usEquityState(Date.parse('2026-11-02T08:59:59Z')).session).toBe('CLOSED');
    expect(usEquityState(Date.parse('2026-11-02T09:00:00Z')).session).toBe('PRE_MARKET');
    expect(usEquityState(Date.parse('2026-11-02T21:00:00Z')).session).toBe('AFTER_HOURS');
  });

  it('is closed at weekends, and opens on Monday', () => {
    for (const instant of [at('2026-12-05T00:00', -5), at('2026-12-05T12:00', -5), at('2026-12-06T23:59', -5), at('2026-12-04T20:00', -5)]) {
      const state = usEquityState(instant);
      expect(state).toMatchObject({ session: 'CLOSED', holiday: null, earlyClose: false });
      expect(new Date(state.nextOpen).toISOString()).toBe('2026-12-07T14:30:00.000Z');
      expect(new Date(state.nextClose).toISOString()).toBe('2026-12-07T21:00:00.000Z');
    }
  });

  it('skips a holiday weekend: Friday after the close before Labor Day opens next on Tuesday', () => {
    const friday = usEquityState(at('2026-09-04T16:30', -4));
    expect(friday.session).toBe('AFTER_HOURS');
    expect(new Date(friday.nextOpen).toISOString()).toBe('2026-09-08T13:30:00.000Z');
    expect(new Date(friday.nextClose).toISOString()).toBe('2026-09-08T20:00:00.000Z');
    const laborDay = usEquityState(at('2026-09-07T10:00', -4));
    expect(laborDay).toMatchObject({ session: 'CLOSED', holiday: 'Labor Day', earlyClose: false });
    expect(new Date(laborDay.nextOpen).toISOString()).toBe('2026-09-08T13:30:00.000Z');
  });

  it('is closed all day on an observed holiday, pre-market and after-hours included, and names it', () => {
    for (const time of ['04:30', '10:00', '17:00']) {
      expect(usEquityState(at(`2026-07-03T${time}`, -4))).toMatchObject({ session: 'CLOSED', holiday: 'Independence Day', earlyClose: false });
    }
    // Saturday July 4 itself: the holiday was observed the day before.
    expect(usEquityState(at('2026-07-04T10:00', -4)).holiday).toBeNull();
    // Thursday 2026-07-02 is a full session (no early close before an observed Friday holiday).
    const thursday = usEquityState(at('2026-07-02T15:00', -4));
    expect(thursday).toMatchObject({ session: 'REGULAR', earlyClose: false });
    expect(new Date(thursday.nextClose).toISOString()).toBe('2026-07-02T20:00:00.000Z');
    expect(new Date(thursday.nextOpen).toISOString()).toBe('2026-07-06T13:30:00.000Z');
    expect(usEquityState(at('2025-01-09T10:00', -5)).holiday).toBe('National Day of Mourning for President Jimmy Carter');
  });

  it('closes at 13:00 on an early-close day, with after-hours to 17:00', () => {
    const day = '2026-11-27'; // the day after Thanksgiving, EST
    expect(usEquityState(at(`${day}T09:30`, -5))).toMatchObject({ session: 'REGULAR', earlyClose: true });
    expect(new Date(usEquityState(at(`${day}T09:30`, -5)).nextClose).toISOString()).toBe('2026-11-27T18:00:00.000Z');
    expect(usEquityState(at(`${day}T12:59`, -5)).session).toBe('REGULAR');
    const afternoon = usEquityState(at(`${day}T13:00`, -5));
    expect(afternoon).toMatchObject({ session: 'AFTER_HOURS', earlyClose: true });
    expect(new Date(afternoon.nextOpen).toISOString()).toBe('2026-11-30T14:30:00.000Z');
    expect(new Date(afternoon.nextClose).toISOString()).toBe('2026-11-30T21:00:00.000Z');
    expect(usEquityState(at(`${day}T16:59`, -5)).session).toBe('AFTER_HOURS');
    expect(usEquityState(at(`${day}T17:00`, -5)).session).toBe('CLOSED');
    // Christmas Eve 2026 (Thursday) closes early; Christmas (Friday) is closed; next open Monday the 28th.
    const christmasEve = usEquityState(at('2026-12-24T14:00', -5));
    expect(christmasEve).toMatchObject({ session: 'AFTER_HOURS', earlyClose: true, holiday: null });
    expect(new Date(christmasEve.nextOpen).toISOString()).toBe('2026-12-28T14:30:00.000Z');
    // July 3, 2025 (EDT): 13:00 New York is 17:00 UTC.
    expect(new Date(usEquityState(at('2025-07-03T10:00', -4)).nextClose).toISOString()).toBe('2025-07-03T17:00:00.000Z');
  });
});

describe('marketStatus', () => {
  it('answers NYSE and Nasdaq by code or MIC, any case, from one calendar', () => {
    const instant = at('2026-12-02T10:00', -5);
    for (const [code, exchange] of [['NYSE', 'NYSE'], ['nyse', 'NYSE'], ['XNYS', 'NYSE'], ['Nasdaq', 'NASDAQ'], ['xnas', 'NASDAQ']] as const) {
      expect(marketStatus(code, instant)).toEqual({
        exchange,
        isOpen: true,
        session: 'REGULAR',
        holiday: null,
        earlyClose: false,
        nextOpen: new Date('2026-12-03T14:30:00.000Z'),
        nextClose: new Date('2026-12-02T21:00:00.000Z'),
        asOf: new Date(instant),
      });
    }
  });

  it('is open only in the regular session', () => {
    expect(marketStatus('NYSE', at('2026-12-02T08:00', -5)).isOpen).toBe(false);
    expect(marketStatus('NYSE', at('2026-12-02T17:00', -5)).isOpen).toBe(false);
  });

  it('refuses an exchange it does not model with BAD_USER_INPUT naming those it does', () => {
    for (const code of ['LSE', 'XLON', 'ARCA', '', 'X'.repeat(10_000)]) {
      const error = (() => {
        try {
          modelledExchange(code);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(MarketError);
      expect((error as MarketError).code).toBe('BAD_USER_INPUT');
      expect((error as MarketError).details).toEqual({ field: 'exchange', exchanges: ['NYSE', 'NASDAQ'] });
      expect((error as MarketError).message).toMatch(/NYSE and NASDAQ/);
      expect((error as MarketError).message.length).toBeLessThan(200);
    }
  });
});
