import { DAY_MS, lastDayOfMonth } from './calendar.js';

/**
 * Fiscal calendars: a fiscal year is named after the calendar year it ends in (Apple's FY2025
 * ends in September 2025, NVIDIA's FY2026 in January 2026), and its quarters end every three
 * months before that, on the last day of the month.
 */
export interface FiscalQuarter {
  readonly fiscalYear: number;
  /** 1–4. */
  readonly quarter: number;
  /** UTC day the quarter ends on. */
  readonly endDay: number;
}

export function fiscalQuarter(fiscalYear: number, quarter: number, yearEndMonth: number): FiscalQuarter {
  return { fiscalYear, quarter, endDay: lastDayOfMonth(fiscalYear, yearEndMonth - 3 * (4 - quarter)) };
}

export function previousQuarter(current: FiscalQuarter, yearEndMonth: number): FiscalQuarter {
  return current.quarter > 1
    ? fiscalQuarter(current.fiscalYear, current.quarter - 1, yearEndMonth)
    : fiscalQuarter(current.fiscalYear - 1, 4, yearEndMonth);
}

/** The latest quarter that ended before `today` (a quarter ending today is not over yet). */
export function lastCompletedQuarter(yearEndMonth: number, today: number): FiscalQuarter {
  const year = new Date(today * DAY_MS).getUTCFullYear();
  let candidate = fiscalQuarter(year + 1, 4, yearEndMonth);
  while (candidate.endDay >= today) candidate = previousQuarter(candidate, yearEndMonth);
  return candidate;
}

/** The latest fiscal year that ended before `today`. */
export function lastCompletedFiscalYear(yearEndMonth: number, today: number): number {
  const quarter = lastCompletedQuarter(yearEndMonth, today);
  return quarter.quarter === 4 ? quarter.fiscalYear : quarter.fiscalYear - 1;
}
