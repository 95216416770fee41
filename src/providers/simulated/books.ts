import { hash2, normalAt, uniformAt } from './random.js';
import type { SectorProfile } from './sectors.js';

/**
 * One fiscal quarter of a company's books, in whole currency units, hashed from (seed, issuer,
 * fiscal year, quarter) so every period is computed on its own and never drifts with what else was
 * asked. Each total is derived from its parts, or a part from its total, so the accounting
 * identities hold exactly in integers; a fiscal year is the sum of its four quarters.
 */

export interface IncomeFigures {
  readonly revenue: number;
  readonly costOfRevenue: number;
  readonly grossProfit: number;
  readonly operatingExpenses: number;
  readonly operatingIncome: number;
  readonly interestExpense: number;
  readonly incomeBeforeTax: number;
  readonly incomeTaxExpense: number;
  readonly netIncome: number;
  readonly ebitda: number;
  /** Weighted average over the period. */
  readonly sharesOutstanding: number;
}

export interface BalanceFigures {
  readonly totalAssets: number;
  readonly totalCurrentAssets: number;
  readonly cash: number;
  readonly shortTermInvestments: number;
  readonly receivables: number;
  readonly inventory: number | null;
  readonly totalNonCurrentAssets: number;
  readonly totalLiabilities: number;
  readonly totalCurrentLiabilities: number;
  readonly accountsPayable: number;
  readonly totalDebt: number;
  readonly longTermDebt: number;
  readonly totalNonCurrentLiabilities: number;
  readonly totalEquity: number;
  readonly retainedEarnings: number;
}

/** Amounts paid out (capital expenditure, dividends, repurchases) are positive. */
export interface CashFlowFigures {
  readonly operatingCashFlow: number;
  readonly capitalExpenditure: number;
  readonly freeCashFlow: number;
  readonly investingCashFlow: number;
  readonly financingCashFlow: number;
  readonly dividendsPaid: number;
  readonly shareRepurchases: number;
  readonly netChangeInCash: number;
}

export interface QuarterBooks {
  readonly income: IncomeFigures;
  readonly balance: BalanceFigures;
  readonly cashFlow: CashFlowFigures;
}

/** What a company's books are scaled and shaped from. */
export interface Issuer {
  readonly books: SectorProfile;
  /** USD, whole units. */
  readonly marketCap: number;
  readonly sharesOutstanding: number;
  /** Randomness of this issuer's books for this seed. */
  readonly key: number;
}

/** The fiscal year whose revenue is market cap over price-to-sales. */
const BASE_FISCAL_YEAR = 2025;
const MAX_NET_MARGIN = 0.6;
const MIN_NET_MARGIN = -2;

export function quarterBooks(issuer: Issuer, fiscalYear: number, quarter: number): QuarterBooks {
  const { books } = issuer;
  const companyKey = hash2(issuer.key, 0);
  const yearKey = hash2(hash2(issuer.key, 1), fiscalYear);
  const quarterKey = hash2(hash2(issuer.key, 2), fiscalYear * 4 + quarter);
  const z = (index: number): number => normalAt(quarterKey, index);
  /** A multiplicative noise factor around 1, clipped at three standard deviations. */
  const noise = (index: number, sd: number): number => 1 + sd * Math.max(-3, Math.min(3, z(index)));

  const growth = Math.max(-0.05, Math.min(0.4, books.revenueGrowth + 0.03 * normalAt(companyKey, 0)));
  const taxRate = 0.14 + 0.08 * uniformAt(companyKey, 1);
  const buybackShare = 0.15 + 0.25 * uniformAt(companyKey, 2);
  const yearsFromBase = fiscalYear - BASE_FISCAL_YEAR + (quarter - 4) / 4;
  const annualRevenue =
    (issuer.marketCap / books.priceToSales) *
    Math.pow(1 + growth, fiscalYear - BASE_FISCAL_YEAR) *
    Math.exp(0.04 * normalAt(yearKey, 0));

  const revenue = Math.max(1, Math.round((annualRevenue / 4) * noise(0, 0.03)));
  const netMargin = Math.max(MIN_NET_MARGIN, Math.min(MAX_NET_MARGIN, books.netMargin * noise(1, 0.12)));
  const netIncome = Math.round(revenue * netMargin);
  const incomeTaxExpense =
    netIncome > 0 ? Math.round((netIncome * taxRate) / (1 - taxRate)) : Math.round(revenue * 0.005);
  const incomeBeforeTax = netIncome + incomeTaxExpense;
  const interestExpense = Math.round(revenue * books.interestToRevenue * noise(2, 0.05));
  const operatingIncome = incomeBeforeTax + interestExpense;
  // Gross margin always leaves room for operating expenses above operating income.
  const grossMargin = Math.min(0.97, Math.max(books.grossMargin * noise(3, 0.03), operatingIncome / revenue + 0.05));
  const costOfRevenue = Math.round(revenue * (1 - grossMargin));
  const grossProfit = revenue - costOfRevenue;
  const depreciation = Math.round(revenue * books.depreciationToRevenue * noise(4, 0.05));
  const buybackRate = books.netMargin > 0 ? 0.012 : -0.03;
  const income: IncomeFigures = {
    revenue,
    costOfRevenue,
    grossProfit,
    operatingExpenses: grossProfit - operatingIncome,
    operatingIncome,
    interestExpense,
    incomeBeforeTax,
    incomeTaxExpense,
    netIncome,
    ebitda: operatingIncome + depreciation,
    sharesOutstanding: Math.round(issuer.sharesOutstanding * Math.pow(1 - buybackRate, yearsFromBase)),
  };

  const totalAssets = Math.round(annualRevenue * books.assetsToRevenue * noise(10, 0.02));
  const totalCurrentAssets = Math.round(totalAssets * Math.min(0.95, books.currentAssetShare * noise(11, 0.05)));
  const inventory =
    books.inventoryShare === null ? null : Math.round(totalCurrentAssets * books.inventoryShare * noise(12, 0.05));
  const liquid = totalCurrentAssets - (inventory ?? 0);
  const totalLiabilities = Math.round(totalAssets * books.liabilitiesToAssets * noise(16, 0.02));
  const totalCurrentLiabilities = Math.round(
    totalLiabilities * Math.min(0.95, books.currentLiabilityShare * noise(17, 0.05)),
  );
  const totalNonCurrentLiabilities = totalLiabilities - totalCurrentLiabilities;
  const totalDebt = Math.round(totalLiabilities * books.debtShare * noise(19, 0.05));
  const retained = Math.round(totalAssets * noise(20, 0.1));
  const balance: BalanceFigures = {
    totalAssets,
    totalCurrentAssets,
    cash: Math.round(liquid * 0.28 * noise(13, 0.1)),
    shortTermInvestments: Math.round(liquid * 0.18 * noise(14, 0.1)),
    receivables: Math.round(liquid * 0.28 * noise(15, 0.1)),
    inventory,
    totalNonCurrentAssets: totalAssets - totalCurrentAssets,
    totalLiabilities,
    totalCurrentLiabilities,
    accountsPayable: Math.round(totalCurrentLiabilities * 0.35 * noise(18, 0.1)),
    totalDebt,
    longTermDebt: Math.min(Math.round(totalDebt * 0.85), totalNonCurrentLiabilities),
    totalNonCurrentLiabilities,
    totalEquity: totalAssets - totalLiabilities,
    // Loss-makers carry an accumulated deficit.
    retainedEarnings: books.netMargin > 0 ? Math.round(retained * 0.3) : -Math.round(retained * 0.25),
  };

  const operatingCashFlow = netIncome + depreciation + Math.round(revenue * 0.02 * z(30));
  const capitalExpenditure = Math.round(revenue * books.capexToRevenue * noise(31, 0.1));
  const otherInvesting = Math.round(revenue * 0.02 * uniformAt(quarterKey, 32));
  const investingCashFlow = 0 - capitalExpenditure - otherInvesting;
  const profit = Math.max(netIncome, 0);
  const dividendsPaid = Math.round(profit * books.payoutRatio);
  const shareRepurchases = Math.round(profit * buybackShare * noise(33, 0.2));
  const financingCashFlow = Math.round(revenue * 0.03 * z(34)) - dividendsPaid - shareRepurchases;
  const cashFlow: CashFlowFigures = {
    operatingCashFlow,
    capitalExpenditure,
    freeCashFlow: operatingCashFlow - capitalExpenditure,
    investingCashFlow,
    financingCashFlow,
    dividendsPaid,
    shareRepurchases,
    netChangeInCash: operatingCashFlow + investingCashFlow + financingCashFlow,
  };

  return { income, balance, cashFlow };
}

/** A fiscal year from its four quarters: flows add up, the balance sheet is the last quarter's. */
export function yearBooks(quarters: readonly [QuarterBooks, QuarterBooks, QuarterBooks, QuarterBooks]): QuarterBooks {
  const income = addUp(quarters.map((books) => books.income));
  const averageShares = income.sharesOutstanding / quarters.length;
  return {
    income: { ...income, sharesOutstanding: Math.round(averageShares) },
    balance: quarters[3].balance,
    cashFlow: addUp(quarters.map((books) => books.cashFlow)),
  };
}

/** Field-by-field sums of figures that are all numbers. */
function addUp<T extends { readonly [K in keyof T]: number }>(parts: readonly T[]): T {
  const total: Record<string, number> = {};
  for (const part of parts) {
    for (const [field, value] of Object.entries<number>(part)) total[field] = (total[field] ?? 0) + value;
  }
  return total as T;
}
