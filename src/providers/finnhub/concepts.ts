import type { BalanceSheet, CashFlowStatement, IncomeStatement } from '../../domain/index.js';
import type { ReportedLine } from './schemas.js';

/**
 * How Finnhub's as-reported XBRL facts become the domain's statement lines. Filers choose among
 * several us-gaap concepts for the same line (revenue alone has five common ones), so each line
 * lists its candidates in order of preference; a line no candidate covers is null, and a line that
 * follows by definition from two reported ones (gross profit, free cash flow) is derived.
 */

type StatementBase = 'type' | 'symbol' | 'fiscalDate' | 'period' | 'fiscalPeriod' | 'currency' | 'source' | 'asOf' | 'stale';
export type IncomeAmounts = Omit<IncomeStatement, StatementBase>;
export type BalanceAmounts = Omit<BalanceSheet, StatementBase>;
export type CashFlowAmounts = Omit<CashFlowStatement, StatementBase>;

/** The facts of one statement section, by us-gaap concept name without its namespace prefix. */
export class Facts {
  private readonly values = new Map<string, number>();

  constructor(lines: readonly ReportedLine[]) {
    for (const line of lines) {
      if (line.value === null) continue;
      // "us-gaap_Assets" in the live API, "Assets" in older answers; company extensions
      // ("aapl_…") keep their prefix and so never pass for a us-gaap concept.
      const concept = line.concept.replace(/^us-gaap[_:]/i, '');
      const known = this.values.get(concept);
      // A concept repeats when the filing breaks a line down by dimension (Apple's net sales for
      // Products, Services, then in total) and Finnhub drops the dimension: the total is the
      // largest of the repeats in magnitude.
      if (known === undefined || Math.abs(line.value) > Math.abs(known)) this.values.set(concept, line.value);
    }
  }

  get isEmpty(): boolean {
    return this.values.size === 0;
  }

  /** The first of `concepts` the filing reports. */
  first(...concepts: readonly string[]): number | null {
    for (const concept of concepts) {
      const value = this.values.get(concept);
      if (value !== undefined) return value;
    }
    return null;
  }
}

export function incomeAmounts(facts: Facts): IncomeAmounts {
  const revenue = facts.first(
    'Revenues',
    'RevenueFromContractWithCustomerExcludingAssessedTax',
    'RevenueFromContractWithCustomerIncludingAssessedTax',
    'SalesRevenueNet',
    'SalesRevenueGoodsNet',
  );
  const costOfRevenue = facts.first('CostOfRevenue', 'CostOfGoodsAndServicesSold', 'CostOfGoodsSold', 'CostOfServices');
  const grossProfit = facts.first('GrossProfit') ?? difference(revenue, costOfRevenue);
  const operatingIncome = facts.first('OperatingIncomeLoss');
  return {
    revenue,
    costOfRevenue,
    grossProfit,
    operatingExpenses: facts.first('OperatingExpenses') ?? difference(grossProfit, operatingIncome),
    operatingIncome,
    interestExpense: facts.first('InterestExpense', 'InterestExpenseNonoperating', 'InterestExpenseDebt'),
    incomeBeforeTax: facts.first(
      'IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItemsNoncontrollingInterest',
      'IncomeLossFromContinuingOperationsBeforeIncomeTaxesMinorityInterestAndIncomeLossFromEquityMethodInvestments',
    ),
    incomeTaxExpense: facts.first('IncomeTaxExpenseBenefit'),
    netIncome: facts.first('NetIncomeLoss', 'ProfitLoss', 'NetIncomeLossAvailableToCommonStockholdersBasic'),
    // Not a GAAP line: filings do not report it, and it is not ours to estimate.
    ebitda: null,
    eps: facts.first('EarningsPerShareBasic', 'EarningsPerShareBasicAndDiluted'),
    dilutedEps: facts.first('EarningsPerShareDiluted', 'EarningsPerShareBasicAndDiluted'),
    sharesOutstanding: facts.first('WeightedAverageNumberOfSharesOutstandingBasic'),
  };
}

export function balanceAmounts(facts: Facts): BalanceAmounts {
  const totalAssets = facts.first('Assets');
  const totalCurrentAssets = facts.first('AssetsCurrent');
  const totalEquity = facts.first('StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest', 'StockholdersEquity');
  const totalLiabilities = facts.first('Liabilities') ?? difference(facts.first('LiabilitiesAndStockholdersEquity'), totalEquity);
  const totalCurrentLiabilities = facts.first('LiabilitiesCurrent');
  const longTermDebt = facts.first('LongTermDebtNoncurrent', 'LongTermDebtAndCapitalLeaseObligations');
  // Debt due within a year: one total line where the filer reports it, else its usual parts.
  const currentDebt = facts.first('DebtCurrent') ?? sum(facts.first('ShortTermBorrowings'), facts.first('CommercialPaper'), facts.first('LongTermDebtCurrent'));
  return {
    totalAssets,
    totalCurrentAssets,
    cash: facts.first('CashAndCashEquivalentsAtCarryingValue', 'CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents', 'Cash'),
    shortTermInvestments: facts.first('ShortTermInvestments', 'MarketableSecuritiesCurrent', 'AvailableForSaleSecuritiesDebtSecuritiesCurrent'),
    receivables: facts.first('AccountsReceivableNetCurrent', 'ReceivablesNetCurrent'),
    inventory: facts.first('InventoryNet'),
    totalNonCurrentAssets: facts.first('AssetsNoncurrent') ?? difference(totalAssets, totalCurrentAssets),
    totalLiabilities,
    totalCurrentLiabilities,
    accountsPayable: facts.first('AccountsPayableCurrent'),
    totalDebt: currentDebt === null && longTermDebt === null ? facts.first('LongTermDebt', 'DebtInstrumentCarryingAmount') : sum(currentDebt, longTermDebt),
    longTermDebt,
    totalNonCurrentLiabilities: facts.first('LiabilitiesNoncurrent') ?? difference(totalLiabilities, totalCurrentLiabilities),
    totalEquity,
    retainedEarnings: facts.first('RetainedEarningsAccumulatedDeficit'),
  };
}

/** Payments (capex, dividends, buybacks) are reported as positive amounts, as the domain keeps them. */
export function cashFlowAmounts(facts: Facts): CashFlowAmounts {
  const operatingCashFlow = facts.first('NetCashProvidedByUsedInOperatingActivities', 'NetCashProvidedByUsedInOperatingActivitiesContinuingOperations');
  const capitalExpenditure = facts.first('PaymentsToAcquirePropertyPlantAndEquipment', 'PaymentsToAcquireProductiveAssets');
  return {
    operatingCashFlow,
    capitalExpenditure,
    freeCashFlow: difference(operatingCashFlow, capitalExpenditure),
    investingCashFlow: facts.first('NetCashProvidedByUsedInInvestingActivities', 'NetCashProvidedByUsedInInvestingActivitiesContinuingOperations'),
    financingCashFlow: facts.first('NetCashProvidedByUsedInFinancingActivities', 'NetCashProvidedByUsedInFinancingActivitiesContinuingOperations'),
    dividendsPaid: facts.first('PaymentsOfDividends', 'PaymentsOfDividendsCommonStock'),
    shareRepurchases: facts.first('PaymentsForRepurchaseOfCommonStock'),
    netChangeInCash: facts.first(
      'CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalentsPeriodIncreaseDecreaseIncludingExchangeRateEffect',
      'CashAndCashEquivalentsPeriodIncreaseDecrease',
    ),
  };
}

/**
 * One quarter's amounts from two year-to-date figures (Finnhub's 10-Q flows run from the start of
 * the fiscal year). Amounts that are not flows cannot be differenced: per-share figures become null
 * (EPS of a quarter is not the difference of two YTD EPS), share counts stay as reported.
 */
export function quarterOfIncome(ytd: IncomeAmounts, previousYtd: IncomeAmounts): IncomeAmounts {
  return {
    revenue: difference(ytd.revenue, previousYtd.revenue),
    costOfRevenue: difference(ytd.costOfRevenue, previousYtd.costOfRevenue),
    grossProfit: difference(ytd.grossProfit, previousYtd.grossProfit),
    operatingExpenses: difference(ytd.operatingExpenses, previousYtd.operatingExpenses),
    operatingIncome: difference(ytd.operatingIncome, previousYtd.operatingIncome),
    interestExpense: difference(ytd.interestExpense, previousYtd.interestExpense),
    incomeBeforeTax: difference(ytd.incomeBeforeTax, previousYtd.incomeBeforeTax),
    incomeTaxExpense: difference(ytd.incomeTaxExpense, previousYtd.incomeTaxExpense),
    netIncome: difference(ytd.netIncome, previousYtd.netIncome),
    ebitda: null,
    eps: null,
    dilutedEps: null,
    sharesOutstanding: ytd.sharesOutstanding,
  };
}

export function quarterOfCashFlow(ytd: CashFlowAmounts, previousYtd: CashFlowAmounts): CashFlowAmounts {
  return {
    operatingCashFlow: difference(ytd.operatingCashFlow, previousYtd.operatingCashFlow),
    capitalExpenditure: difference(ytd.capitalExpenditure, previousYtd.capitalExpenditure),
    freeCashFlow: difference(ytd.freeCashFlow, previousYtd.freeCashFlow),
    investingCashFlow: difference(ytd.investingCashFlow, previousYtd.investingCashFlow),
    financingCashFlow: difference(ytd.financingCashFlow, previousYtd.financingCashFlow),
    dividendsPaid: difference(ytd.dividendsPaid, previousYtd.dividendsPaid),
    shareRepurchases: difference(ytd.shareRepurchases, previousYtd.shareRepurchases),
    netChangeInCash: difference(ytd.netChangeInCash, previousYtd.netChangeInCash),
  };
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** The sum of the parts reported; null when none is. */
function sum(...parts: ReadonlyArray<number | null>): number | null {
  const reported = parts.filter((part): part is number => part !== null);
  return reported.length === 0 ? null : reported.reduce((total, part) => total + part, 0);
}
