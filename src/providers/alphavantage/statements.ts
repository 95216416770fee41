import { z } from 'zod';
import { FinancialStatementSchema, type FinancialStatement, type StatementQuery, type StatementType } from '../../domain/index.js';
import type { QueryFetcher } from '../adapter.js';
import { describeIssues } from '../kit/payload.js';
import { optionalText } from '../parse.js';
import { PROVIDER_ID, type AlphaVantageCall, type AlphaVantageClient } from './client.js';
import { balanceLines, BalanceReportSchema, cashFlowLines, CashFlowReportSchema, incomeLines, IncomeReportSchema } from './statement-lines.js';
import { toProviderSymbol } from './symbols.js';
import { isIsoDate } from './time.js';

/** `{"symbol": "IBM", "annualReports": [...], "quarterlyReports": [...]}`; an unknown symbol gets `{}`. */
const EnvelopeSchema = z.object({
  annualReports: z.array(z.unknown()).optional(),
  quarterlyReports: z.array(z.unknown()).optional(),
});

const ReportHeadSchema = z.object({
  fiscalDateEnding: z.string().refine(isIsoDate, 'expected YYYY-MM-DD'),
  reportedCurrency: optionalText,
});

const FUNCTION_OF: Record<StatementType, string> = { INCOME: 'INCOME_STATEMENT', BALANCE: 'BALANCE_SHEET', CASH_FLOW: 'CASH_FLOW' };

/**
 * Statements through INCOME_STATEMENT, BALANCE_SHEET and CASH_FLOW: one call returns every annual
 * and quarterly report, of which we keep the asked period, newest first, `limit` of them. Alpha
 * Vantage does not name fiscal periods (FY2024, 2024-Q3), so `fiscalPeriod` stays null rather than
 * be guessed from the end date.
 */
export function createStatementsFetcher(client: AlphaVantageClient): QueryFetcher<StatementQuery, FinancialStatement[]> {
  return {
    async fetch(query, options) {
      const call: AlphaVantageCall = { function: FUNCTION_OF[query.statement], params: { symbol: toProviderSymbol(query.symbol) }, symbol: query.symbol };
      const body = await client.query(call, options?.signal);
      const envelope = client.parse(EnvelopeSchema, body, call);
      const reports = (query.period === 'ANNUAL' ? envelope.annualReports : envelope.quarterlyReports) ?? [];
      if (reports.length === 0) throw client.notFound(call, `no ${query.period.toLowerCase()} reports`);
      const asOf = new Date(client.now);

      const statements = reports.map((raw) => {
        const head = client.parse(ReportHeadSchema, raw, call);
        const checked = FinancialStatementSchema.safeParse({
          type: query.statement,
          symbol: query.symbol,
          fiscalDate: head.fiscalDateEnding,
          period: query.period,
          fiscalPeriod: null,
          currency: head.reportedCurrency,
          source: PROVIDER_ID,
          asOf,
          stale: false,
          ...linesOf(client, call, query.statement, raw),
        });
        if (!checked.success) throw client.badResponse(call, describeIssues(checked.error));
        return checked.data;
      });
      return statements.sort((a, b) => b.fiscalDate.localeCompare(a.fiscalDate)).slice(0, query.limit);
    },
  };
}

function linesOf(client: AlphaVantageClient, call: AlphaVantageCall, statement: StatementType, raw: unknown) {
  switch (statement) {
    case 'INCOME':
      return incomeLines(client.parse(IncomeReportSchema, raw, call));
    case 'BALANCE':
      return balanceLines(client.parse(BalanceReportSchema, raw, call));
    case 'CASH_FLOW':
      return cashFlowLines(client.parse(CashFlowReportSchema, raw, call));
  }
}
