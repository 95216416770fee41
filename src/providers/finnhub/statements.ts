import { ProviderFailureKind, type FinancialStatement, type StatementQuery } from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { parsePayload } from '../kit/payload.js';
import type { RemoteContext } from '../kit/remote-context.js';
import { PROVIDER_ID, getFinnhub } from './client.js';
import {
  Facts,
  balanceAmounts,
  cashFlowAmounts,
  incomeAmounts,
  quarterOfCashFlow,
  quarterOfIncome,
  type CashFlowAmounts,
  type IncomeAmounts,
} from './concepts.js';
import { FinancialsReportedSchema, type FinnhubFiling, type ReportedLine } from './schemas.js';

/**
 * Financial statements from `/stock/financials-reported` (free), the statements as filed with the
 * SEC: `report.ic` / `report.bs` / `report.cf` hold the XBRL facts of each 10-K or 10-Q. The
 * standardised `/stock/financials` is premium, and `/stock/metric` has ratios, not statements.
 *
 * Income and cash-flow facts of a 10-Q run from the start of the fiscal year (a Q3 10-Q reports
 * nine months), and a 10-K is the year's Q4 year-to-date: a quarter is its YTD less the previous
 * quarter's, so a quarter whose predecessor Finnhub does not list is left out rather than misstated.
 */
export function createStatementsFetcher(context: RemoteContext): QueryFetcher<StatementQuery, FinancialStatement[]> {
  return {
    async fetch(query: StatementQuery, options?: FetchOptions): Promise<FinancialStatement[]> {
      const what = `Finnhub ${query.period.toLowerCase()} ${query.statement.toLowerCase()} statements ${query.symbol}`;
      const params = { symbol: query.symbol, freq: query.period === 'ANNUAL' ? 'annual' : 'quarterly' };
      const body = await getFinnhub(context, '/stock/financials-reported', params, what, options?.signal);
      const { data } = parsePayload(context, FinancialsReportedSchema, body, what);
      const periods = reportedPeriods(data, query);
      const statements = periods.flatMap((period) => {
        const statement = toStatement(context, query, period, periods);
        return statement ? [statement] : [];
      });
      // `data: []` is Finnhub's answer for a symbol it has no filings of.
      if (statements.length === 0) throw context.http.failure(ProviderFailureKind.NOT_FOUND, `${what}: no filings`);
      return statements.slice(0, query.limit);
    },
  };
}

/** One fiscal period's facts for the asked statement, from the latest filing that reports them. */
interface Period {
  readonly fiscalDate: string;
  readonly fiscalYear: number | null;
  /** 1–4 for quarterly periods (a 10-K is Q4), null for annual ones. */
  readonly quarter: number | null;
  readonly facts: Facts;
  readonly currency: string | null;
  readonly filedDate: string | null;
}

const ANNUAL_FORMS = /^(10-K|20-F|40-F)/i;
const QUARTERLY_FORMS = /^10-Q/i;
const SECTION = { INCOME: 'ic', BALANCE: 'bs', CASH_FLOW: 'cf' } as const;

function reportedPeriods(filings: readonly FinnhubFiling[], query: StatementQuery): Period[] {
  const byFiling = filings
    .map((filing) => toPeriod(filing, query))
    .filter((period): period is Period => period !== null && !period.facts.isEmpty)
    // Latest filing first, so an amendment that restates a period wins over the original.
    .sort((a, b) => (b.filedDate ?? '').localeCompare(a.filedDate ?? ''));
  const byDate = new Map<string, Period>();
  for (const period of byFiling) if (!byDate.has(period.fiscalDate)) byDate.set(period.fiscalDate, period);
  return [...byDate.values()].sort((a, b) => b.fiscalDate.localeCompare(a.fiscalDate));
}

function toPeriod(filing: FinnhubFiling, query: StatementQuery): Period | null {
  const form = filing.form ?? '';
  let quarter: number | null = null;
  if (query.period === 'QUARTERLY') {
    quarter = ANNUAL_FORMS.test(form) ? 4 : filing.quarter;
    if (quarter === null || quarter < 1 || quarter > 4) return null;
  } else if (QUARTERLY_FORMS.test(form)) {
    return null;
  }
  const lines = filing.report[SECTION[query.statement]];
  return {
    fiscalDate: filing.endDate.slice(0, 10),
    fiscalYear: filing.year,
    quarter,
    facts: new Facts(lines),
    currency: currencyOf([...lines, ...filing.report.ic, ...filing.report.bs, ...filing.report.cf]),
    filedDate: filing.filedDate,
  };
}

function toStatement(context: RemoteContext, query: StatementQuery, period: Period, all: readonly Period[]): FinancialStatement | null {
  const base = {
    symbol: query.symbol,
    fiscalDate: period.fiscalDate,
    period: query.period,
    fiscalPeriod: fiscalPeriodOf(period),
    currency: period.currency,
    source: PROVIDER_ID,
    // When the filing reached the SEC: the moment these figures came to be.
    asOf: period.filedDate ? new Date(`${period.filedDate.slice(0, 10)}T00:00:00Z`) : new Date(context.now()),
    stale: false,
  };
  switch (query.statement) {
    case 'BALANCE':
      // A balance sheet is a point in time: a 10-Q's is as good as a 10-K's.
      return { ...base, type: 'BALANCE', ...balanceAmounts(period.facts) };
    case 'INCOME': {
      const amounts = quarterly(period, all, incomeAmounts, quarterOfIncome);
      return amounts ? { ...base, type: 'INCOME', ...amounts } : null;
    }
    case 'CASH_FLOW': {
      const amounts = quarterly(period, all, cashFlowAmounts, quarterOfCashFlow);
      return amounts ? { ...base, type: 'CASH_FLOW', ...amounts } : null;
    }
  }
}

/** The period's own amounts: annual ones as reported, a quarter's as its YTD less the previous one's. */
function quarterly<T extends IncomeAmounts | CashFlowAmounts>(
  period: Period,
  all: readonly Period[],
  amountsOf: (facts: Facts) => T,
  quarterOf: (ytd: T, previousYtd: T) => T,
): T | null {
  const amounts = amountsOf(period.facts);
  if (period.quarter === null || period.quarter === 1) return amounts;
  const previous = all.find((other) => other.fiscalYear === period.fiscalYear && other.quarter === (period.quarter as number) - 1);
  return previous ? quarterOf(amounts, amountsOf(previous.facts)) : null;
}

function fiscalPeriodOf(period: Period): string | null {
  if (period.fiscalYear === null) return null;
  return period.quarter === null ? `FY${period.fiscalYear}` : `${period.fiscalYear}-Q${period.quarter}`;
}

/** Facts carry units ("usd", "usd/shares", "shares"): the first plain currency code is the filing's. */
function currencyOf(lines: readonly ReportedLine[]): string | null {
  const unit = lines.find((line) => line.unit !== null && /^[a-z]{3}$/i.test(line.unit))?.unit;
  return unit ? unit.toUpperCase() : null;
}
