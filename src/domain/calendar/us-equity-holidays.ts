import { addDays, civilDate, isWeekend, lastWeekday, nthWeekday, sameDate, Weekday, weekdayOf, type CivilDate } from './civil-date.js';

/**
 * The days the US equity exchanges (NYSE; Nasdaq keeps the same calendar) are closed or close
 * early, by NYSE's rules, so that no year needs to be typed in: the rules were checked against
 * NYSE's published holiday and early-close lists for 2020–2027 (test/unit/market-calendar.test.ts).
 * Earlier years follow the same rules (MLK Day is closed from 1998) with the one-off closures
 * below; nothing earlier was checked.
 */

/** A day the exchange is closed all day (not counting weekends), on the date it is observed. */
export interface ExchangeHoliday {
  readonly date: CivilDate;
  readonly name: string;
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher): Good Friday is two days before. */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return civilDate(year, month, day);
}

/**
 * NYSE Rule 7.2: a holiday on a Saturday is observed the Friday before, one on a Sunday the Monday
 * after. The Friday before New Year's Day is December 31, the end of the yearly accounting period,
 * which the rule exempts: New Year's Day on a Saturday is not observed at all (2021-12-31 traded).
 */
function observed(date: CivilDate, name: string, saturdayToFriday = true): ExchangeHoliday | undefined {
  const weekday = weekdayOf(date);
  if (weekday === Weekday.SUNDAY) return { date: addDays(date, 1), name };
  if (weekday === Weekday.SATURDAY) return saturdayToFriday ? { date: addDays(date, -1), name } : undefined;
  return { date, name };
}

/**
 * Closures NYSE announced one by one (national days of mourning, emergencies): no rule gives them.
 * A new one is added here when NYSE announces it.
 */
export const SPECIAL_CLOSURES: readonly ExchangeHoliday[] = [
  ...[11, 12, 13, 14].map((day) => ({ date: civilDate(2001, 9, day), name: 'September 11 attacks' })),
  { date: civilDate(2004, 6, 11), name: 'National Day of Mourning for President Ronald Reagan' },
  { date: civilDate(2007, 1, 2), name: 'National Day of Mourning for President Gerald Ford' },
  { date: civilDate(2012, 10, 29), name: 'Hurricane Sandy' },
  { date: civilDate(2012, 10, 30), name: 'Hurricane Sandy' },
  { date: civilDate(2018, 12, 5), name: 'National Day of Mourning for President George H. W. Bush' },
  { date: civilDate(2025, 1, 9), name: 'National Day of Mourning for President Jimmy Carter' },
];

/** The full-day closures of a year, by date (rules and one-off closures), each on the date it is observed. */
/** Each year's holidays, worked out once: every session question asks for them. */
const holidaysByYear = new Map<number, readonly ExchangeHoliday[]>();

export function usEquityHolidays(year: number): readonly ExchangeHoliday[] {
  let holidays = holidaysByYear.get(year);
  if (holidays === undefined) holidaysByYear.set(year, (holidays = Object.freeze(holidaysByRule(year))));
  return holidays;
}

function holidaysByRule(year: number): ExchangeHoliday[] {
  const easter = easterSunday(year);
  const byRule = [
    observed(civilDate(year, 1, 1), "New Year's Day", false),
    { date: nthWeekday(year, 1, Weekday.MONDAY, 3), name: 'Martin Luther King, Jr. Day' },
    { date: nthWeekday(year, 2, Weekday.MONDAY, 3), name: "Washington's Birthday (Presidents' Day)" },
    { date: addDays(easter, -2), name: 'Good Friday' },
    { date: lastWeekday(year, 5, Weekday.MONDAY), name: 'Memorial Day' },
    // Made a federal holiday in June 2021; NYSE first closed for it in 2022.
    year >= 2022 ? observed(civilDate(year, 6, 19), 'Juneteenth National Independence Day') : undefined,
    observed(civilDate(year, 7, 4), 'Independence Day'),
    { date: nthWeekday(year, 9, Weekday.MONDAY, 1), name: 'Labor Day' },
    { date: thanksgiving(year), name: 'Thanksgiving Day' },
    observed(civilDate(year, 12, 25), 'Christmas Day'),
  ];
  const special = SPECIAL_CLOSURES.filter((closure) => closure.date.year === year);
  return [...byRule, ...special]
    .filter((holiday): holiday is ExchangeHoliday => holiday !== undefined)
    .sort((a, b) => a.date.month - b.date.month || a.date.day - b.date.day);
}

/** The holiday the exchange is closed for on `date`, if any (weekends aside). */
export function usEquityHolidayOn(date: CivilDate): ExchangeHoliday | undefined {
  return usEquityHolidays(date.year).find((holiday) => sameDate(holiday.date, date));
}

/** A weekday that is no holiday: the regular session opens. */
export function isUsEquityTradingDay(date: CivilDate): boolean {
  return !isWeekend(date) && usEquityHolidayOn(date) === undefined;
}

/**
 * The days the regular session closes at 13:00: July 3, the day after Thanksgiving and December 24,
 * each only when it is a trading day. So not when July 3 is the observed Independence Day (July 4
 * on a Saturday: 2020, 2026), and then no other day closes early in its place (2026-07-02 is a full
 * session, as NYSE published); not when December 24 is the observed Christmas (2021, 2027).
 */
export function usEquityEarlyCloses(year: number): readonly CivilDate[] {
  let closes = earlyClosesByYear.get(year);
  if (closes === undefined) {
    const candidates = [civilDate(year, 7, 3), addDays(thanksgiving(year), 1), civilDate(year, 12, 24)];
    earlyClosesByYear.set(year, (closes = Object.freeze(candidates.filter(isUsEquityTradingDay))));
  }
  return closes;
}

const earlyClosesByYear = new Map<number, readonly CivilDate[]>();

export function isUsEquityEarlyClose(date: CivilDate): boolean {
  return usEquityEarlyCloses(date.year).some((early) => sameDate(early, date));
}

/** The fourth Thursday of November. */
function thanksgiving(year: number): CivilDate {
  return nthWeekday(year, 11, Weekday.THURSDAY, 4);
}
