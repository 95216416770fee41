import {
  ProviderError,
  ProviderFailureKind,
  type FinancialStatement,
  type Period,
  type StatementQuery,
  type StatementType,
} from '../../domain/index.js';
import { dayOf, isoDateOfDay } from './calendar.js';
import { quarterBooks, yearBooks, type QuarterBooks } from './books.js';
import { fiscalQuarter, lastCompletedFiscalYear, lastCompletedQuarter, previousQuarter } from './fiscal.js';
import { PROVIDER_ID, type SimulatedMarket } from './market.js';
import { findListing, type Listing } from './universe.js';

/** How many periods each company has filed. */
export const ANNUAL_PERIODS = 5;
export const QUARTERLY_PERIODS = 8;

interface PeriodBooks {
  readonly endDay: number;
  readonly fiscalPeriod: string;
  readonly books: QuarterBooks;
}

/** Statements of completed periods before `nowMs`'s day, newest first, at most `query.limit`. */
export function statementsOf(
  market: SimulatedMarket,
  symbol: string,
  query: StatementQuery,
  nowMs: number,
): FinancialStatement[] {
  const listing = market.get(symbol).listing;
  // A share class files its issuer's statements.
  const issuer = findListing(listing.issuer) ?? listing;
  if (issuer.books === null) {
    throw new ProviderError(ProviderFailureKind.NOT_FOUND, PROVIDER_ID, `No financial statements for fund ${symbol}`);
  }
  const company = {
    books: issuer.books,
    marketCap: issuer.marketCap,
    sharesOutstanding: issuer.sharesOutstanding,
    key: market.fundamentalsKey(issuer.symbol),
  };
  const yearEnd = issuer.fiscalYearEnd;
  const today = dayOf(nowMs);
  const count = Math.max(0, Math.min(query.limit, query.period === 'ANNUAL' ? ANNUAL_PERIODS : QUARTERLY_PERIODS));
  const periods: PeriodBooks[] = [];
  if (query.period === 'ANNUAL') {
    const latest = lastCompletedFiscalYear(yearEnd, today);
    for (let year = latest; year > latest - count; year--) {
      const quarters = [1, 2, 3, 4].map((quarter) => quarterBooks(company, year, quarter));
      const [q1, q2, q3, q4] = quarters as [QuarterBooks, QuarterBooks, QuarterBooks, QuarterBooks];
      periods.push({
        endDay: fiscalQuarter(year, 4, yearEnd).endDay,
        fiscalPeriod: `FY${year}`,
        books: yearBooks([q1, q2, q3, q4]),
      });
    }
  } else {
    let quarter = lastCompletedQuarter(yearEnd, today);
    for (let i = 0; i < count; i++) {
      periods.push({
        endDay: quarter.endDay,
        fiscalPeriod: `${quarter.fiscalYear}-Q${quarter.quarter}`,
        books: quarterBooks(company, quarter.fiscalYear, quarter.quarter),
      });
      quarter = previousQuarter(quarter, yearEnd);
    }
  }
  const asOf = new Date(nowMs);
  return periods.map((period) => statementOf(symbol, listing, query.statement, query.period, period, asOf));
}

function statementOf(
  symbol: string,
  listing: Listing,
  type: StatementType,
  period: Period,
  { endDay, fiscalPeriod, books }: PeriodBooks,
  asOf: Date,
): FinancialStatement {
  const base = {
    symbol,
    fiscalDate: isoDateOfDay(endDay),
    period,
    fiscalPeriod,
    currency: listing.currency,
    source: PROVIDER_ID,
    asOf,
    stale: false,
  };
  switch (type) {
    case 'INCOME': {
      const { income } = books;
      const perShare = (amount: number, shares: number): number => Math.round((amount / shares) * 100) / 100;
      return {
        ...base,
        type,
        ...income,
        eps: perShare(income.netIncome, income.sharesOutstanding),
        // Options and convertibles add about one percent to the share count.
        dilutedEps: perShare(income.netIncome, Math.round(income.sharesOutstanding * 1.01)),
      };
    }
    case 'BALANCE':
      return { ...base, type, ...books.balance };
    case 'CASH_FLOW':
      return { ...base, type, ...books.cashFlow };
  }
}
