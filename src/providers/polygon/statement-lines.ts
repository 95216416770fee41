import type { BalanceSheet, CashFlowStatement, IncomeStatement } from '../../domain/index.js';
import type { StatementSection } from './schemas.js';

/**
 * Polygon's standardised concepts (its "financials glossary", mapped from XBRL) into our line
 * items. A concept appears only when the filing reported it or Polygon could compute it, so every
 * line is looked up and left null when absent. Where two concepts can carry a line, the first
 * present one wins.
 */

/** What every statement of one report shares: which period, in what currency, from where. */
export type StatementHeader = Pick<IncomeStatement, 'symbol' | 'fiscalDate' | 'period' | 'fiscalPeriod' | 'currency' | 'source' | 'asOf' | 'stale'>;

function line(section: StatementSection, ...concepts: readonly string[]): number | null {
  for (const concept of concepts) {
    const value = section[concept]?.value;
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** The currency of a statement: the unit of its monetary lines ("USD", not "USD / shares" or "shares"). */
export function currencyOf(section: StatementSection): string | null {
  for (const item of Object.values(section)) {
    if (item.unit !== null && /^[A-Z]{3}$/.test(item.unit)) return item.unit;
  }
  return null;
}

export function incomeStatementOf(header: StatementHeader, section: StatementSection): IncomeStatement {
  return {
    type: 'INCOME',
    ...header,
    revenue: line(section, 'revenues'),
    costOfRevenue: line(section, 'cost_of_revenue'),
    grossProfit: line(section, 'gross_profit'),
    operatingExpenses: line(section, 'operating_expenses'),
    operatingIncome: line(section, 'operating_income_loss'),
    interestExpense: line(section, 'interest_and_debt_expense', 'interest_expense_operating'),
    incomeBeforeTax: line(section, 'income_loss_from_continuing_operations_before_tax'),
    incomeTaxExpense: line(section, 'income_tax_expense_benefit'),
    // What shareholders of the company earned; the consolidated figure only when that is all there is.
    netIncome: line(section, 'net_income_loss_attributable_to_parent', 'net_income_loss'),
    // Polygon reports no EBITDA (nor the depreciation needed to build one reliably).
    ebitda: null,
    eps: line(section, 'basic_earnings_per_share'),
    dilutedEps: line(section, 'diluted_earnings_per_share'),
    sharesOutstanding: line(section, 'basic_average_shares'),
  };
}

export function balanceSheetOf(header: StatementHeader, section: StatementSection): BalanceSheet {
  return {
    type: 'BALANCE',
    ...header,
    totalAssets: line(section, 'assets'),
    totalCurrentAssets: line(section, 'current_assets'),
    cash: line(section, 'cash'),
    // Not among Polygon's balance sheet concepts.
    shortTermInvestments: null,
    receivables: line(section, 'accounts_receivable'),
    inventory: line(section, 'inventory'),
    totalNonCurrentAssets: line(section, 'noncurrent_assets'),
    totalLiabilities: line(section, 'liabilities'),
    totalCurrentLiabilities: line(section, 'current_liabilities'),
    accountsPayable: line(section, 'accounts_payable'),
    // Polygon has long-term debt only; its short-term part is folded into other current liabilities.
    totalDebt: null,
    longTermDebt: line(section, 'long_term_debt'),
    totalNonCurrentLiabilities: line(section, 'noncurrent_liabilities'),
    totalEquity: line(section, 'equity'),
    retainedEarnings: null,
  };
}

/**
 * Polygon's cash flow statement holds the net flow of each activity and nothing inside them: no
 * capital expenditure, dividends or buybacks, hence no free cash flow. Those stay null rather than
 * being estimated.
 */
export function cashFlowStatementOf(header: StatementHeader, section: StatementSection): CashFlowStatement {
  return {
    type: 'CASH_FLOW',
    ...header,
    operatingCashFlow: line(section, 'net_cash_flow_from_operating_activities'),
    capitalExpenditure: null,
    freeCashFlow: null,
    investingCashFlow: line(section, 'net_cash_flow_from_investing_activities'),
    financingCashFlow: line(section, 'net_cash_flow_from_financing_activities'),
    dividendsPaid: null,
    shareRepurchases: null,
    netChangeInCash: line(section, 'net_cash_flow'),
  };
}
