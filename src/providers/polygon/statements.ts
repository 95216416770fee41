import type { FinancialStatement, StatementQuery, StatementType } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { endpointUrl, type RemoteContext } from '../kit/remote-context.js';
import { getPayload, PROVIDER_ID } from './client.js';
import { invalidPayload, noData } from './errors.js';
import { FinancialsResponseSchema, type FinancialReport, type StatementSection } from './schemas.js';
import { balanceSheetOf, cashFlowStatementOf, currencyOf, incomeStatementOf, type StatementHeader } from './statement-lines.js';
import { toPolygonTicker } from './symbols.js';

/** Polygon's cap on `limit` for financials. */
const MAX_LIMIT = 100;

const SECTION_OF: Record<StatementType, keyof FinancialReport['financials']> = {
  INCOME: 'income_statement',
  BALANCE: 'balance_sheet',
  CASH_FLOW: 'cash_flow_statement',
};

/**
 * Financial statements from Polygon's SEC-filing financials (10-K annual, 10-Q quarterly), newest
 * period first. One report holds all three statements; the one asked for is taken from each.
 *
 * Companies file no 10-Q for their fourth quarter, so quarterly answers skip Q4 periods. A report
 * without the statement asked for is left out rather than returned as a row of nulls.
 */
export function createStatementsFetcher(context: RemoteContext): QueryFetcher<StatementQuery, FinancialStatement[]> {
  return {
    async fetch(query, options) {
      const what = `financials of ${query.symbol}`;
      const url = endpointUrl(context, '/vX/reference/financials', {
        ticker: toPolygonTicker(query.symbol),
        timeframe: query.period === 'ANNUAL' ? 'annual' : 'quarterly',
        limit: Math.min(query.limit, MAX_LIMIT),
        order: 'desc',
        sort: 'period_of_report_date',
      });
      const payload = FinancialsResponseSchema.safeParse(await getPayload(context, url, what, options?.signal));
      if (!payload.success) throw invalidPayload(context.http, what, payload.error);

      const statements: FinancialStatement[] = [];
      for (const report of payload.data.results ?? []) {
        const section = report.financials[SECTION_OF[query.statement]];
        if (section === undefined || Object.keys(section).length === 0) continue;
        statements.push(statementOf(query, headerOf(context, query, report, section), section));
      }
      if (statements.length === 0) throw noData(context.http, what);
      return statements.slice(0, query.limit);
    },
  };
}

function statementOf(query: StatementQuery, header: StatementHeader, section: StatementSection): FinancialStatement {
  switch (query.statement) {
    case 'INCOME':
      return incomeStatementOf(header, section);
    case 'BALANCE':
      return balanceSheetOf(header, section);
    case 'CASH_FLOW':
      return cashFlowStatementOf(header, section);
  }
}

function headerOf(context: RemoteContext, query: StatementQuery, report: FinancialReport, section: StatementSection): StatementHeader {
  return {
    symbol: query.symbol,
    fiscalDate: report.end_date,
    period: query.period,
    fiscalPeriod: fiscalPeriodOf(query, report),
    currency: currencyOf(section),
    source: PROVIDER_ID,
    // When the figures became known: the SEC's acceptance of the filing, else its filing date.
    asOf: filedAt(report) ?? new Date(context.now()),
    stale: false,
  };
}

/** "2024" for a fiscal year, "2024-Q3" for a quarter, as the company numbers them. */
function fiscalPeriodOf(query: StatementQuery, report: FinancialReport): string | null {
  const year = report.fiscal_year === undefined ? '' : String(report.fiscal_year).trim();
  if (!/^\d{4}$/.test(year)) return null;
  const quarter = report.fiscal_period?.toUpperCase() ?? '';
  return query.period === 'QUARTERLY' && /^Q[1-4]$/.test(quarter) ? `${year}-${quarter}` : year;
}

function filedAt(report: FinancialReport): Date | null {
  for (const text of [report.acceptance_datetime, report.filing_date]) {
    if (text === null) continue;
    const time = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return null;
}
