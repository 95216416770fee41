import { z } from 'zod';
import {
  FinancialStatementSchema,
  type BalanceSheet,
  type CashFlowStatement,
  type FinancialStatement,
  type IncomeStatement,
  type StatementQuery,
} from '../../domain/index.js';
import type { FetchOptions, QueryFetcher } from '../adapter.js';
import { PROVIDER_ID, type FmpClient } from './client.js';
import { toFmpSymbol } from './symbols.js';
import type { FmpApi, FmpBalance, FmpCashFlow, FmpIncome, FmpStatementRow } from './wire.js';

/**
 * Income statements, balance sheets and cash-flow statements, newest first. FMP reports outflows
 * as negative numbers; the domain wants capital expenditure, dividends and buybacks as positive
 * amounts (so FCF = OCF − capex holds with FMP's own free cash flow). Statement rows carry filing
 * dates, not a time the values were produced, so `asOf` is the time of the call.
 */
export function createStatementsFetcher(client: FmpClient, api: FmpApi): QueryFetcher<StatementQuery, FinancialStatement[]> {
  return {
    async fetch(query, options) {
      switch (query.statement) {
        case 'INCOME':
          return read(client, api, query, api.incomeRow, options, (base, row) => income(base, row));
        case 'BALANCE':
          return read(client, api, query, api.balanceRow, options, (base, row) => balance(base, row));
        case 'CASH_FLOW':
          return read(client, api, query, api.cashFlowRow, options, (base, row) => cashFlow(base, row));
      }
    },
  };
}

type Base = Pick<FinancialStatement, 'symbol' | 'fiscalDate' | 'period' | 'fiscalPeriod' | 'currency' | 'source' | 'asOf' | 'stale'>;

const describedAs = { INCOME: 'income statements', BALANCE: 'balance sheets', CASH_FLOW: 'cash-flow statements' } as const;

async function read<R extends FmpStatementRow>(
  client: FmpClient,
  api: FmpApi,
  query: StatementQuery,
  rowSchema: z.ZodType<R>,
  options: FetchOptions | undefined,
  fromRow: (base: Base, row: R) => FinancialStatement,
): Promise<FinancialStatement[]> {
  const what = `${describedAs[query.statement]} of ${query.symbol}`;
  const body = await client.get(api.statements(query.statement, toFmpSymbol(query.symbol), query.period, query.limit), what, options);
  if (!Array.isArray(body)) throw client.invalid(what, 'expected an array of statements');
  // An unknown symbol, and a fund that files no statements, both answer [].
  if (body.length === 0) throw client.notFound(what);
  const rows = z.array(rowSchema).safeParse(body);
  if (!rows.success) throw client.invalid(what, rows.error);
  const now = new Date();
  return [...rows.data]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, query.limit)
    .map((row) => client.checked(FinancialStatementSchema, fromRow(baseOf(query, row, now), row), `${what} ending ${row.date}`));
}

function baseOf(query: StatementQuery, row: FmpStatementRow, now: Date): Base {
  return {
    symbol: query.symbol,
    fiscalDate: row.date,
    period: query.period,
    fiscalPeriod: fiscalPeriodOf(query, row),
    currency: row.currency,
    source: PROVIDER_ID,
    asOf: now,
    stale: false,
  };
}

/** FY2024 for a year, 2024-Q3 for a quarter, as the rest of the gateway names periods. */
function fiscalPeriodOf(query: StatementQuery, row: FmpStatementRow): string | null {
  const quarter = row.period !== null && /^Q[1-4]$/i.test(row.period) ? row.period.toUpperCase() : null;
  if (row.fiscalYear === null) return row.period;
  if (query.period === 'ANNUAL' || quarter === null) return `FY${row.fiscalYear}`;
  return `${row.fiscalYear}-${quarter}`;
}

/** A row's amounts without what it says about itself: the row schemas name amounts as the domain does. */
function amountsOf<R extends FmpStatementRow>(row: R): Omit<R, keyof FmpStatementRow> {
  const { date: _date, fiscalYear: _fiscalYear, period: _period, currency: _currency, ...amounts } = row;
  return amounts;
}

function income(base: Base, row: FmpIncome): IncomeStatement {
  return { ...base, type: 'INCOME', ...amountsOf(row) };
}

function balance(base: Base, row: FmpBalance): BalanceSheet {
  return { ...base, type: 'BALANCE', ...amountsOf(row) };
}

function cashFlow(base: Base, row: FmpCashFlow): CashFlowStatement {
  const capitalExpenditure = outflow(row.capitalExpenditure);
  return {
    ...base,
    type: 'CASH_FLOW',
    operatingCashFlow: row.operatingCashFlow,
    capitalExpenditure,
    freeCashFlow:
      row.freeCashFlow ?? (row.operatingCashFlow !== null && capitalExpenditure !== null ? row.operatingCashFlow - capitalExpenditure : null),
    investingCashFlow: row.investingCashFlow,
    financingCashFlow: row.financingCashFlow,
    dividendsPaid: outflow(row.dividendsPaid),
    shareRepurchases: outflow(row.shareRepurchases),
    netChangeInCash: row.netChangeInCash,
  };
}

/**
 * FMP's signed cash movement as the positive amount the domain wants. Negated rather than made
 * absolute, so that FMP's own free cash flow still equals OCF − capex to the unit.
 */
function outflow(value: number | null): number | null {
  if (value === null) return null;
  return value === 0 ? 0 : -value;
}
