import { Field, Float, InterfaceType, ObjectType } from 'type-graphql';
import type { FinancialStatement } from '../../domain/index.js';
import { Period } from './enums.js';
import { DateScalar, DateTimeScalar } from './scalars.js';
import { FallbackFromField, StaleField } from './provenance.js';

/** Amounts are in `currency`, whole units; null where the provider does not report the line. */
const amount = { nullable: true } as const;

@InterfaceType('FinancialStatement', {
  description: 'One reported period of one financial statement. Amounts are whole units of `currency`.',
  resolveType: (statement: FinancialStatement) => typeNameOf[statement.type],
})
export abstract class FinancialStatementType {
  @Field(() => String)
  symbol!: string;

  @Field(() => DateScalar, { description: 'Last day of the reported period.' })
  fiscalDate!: string;

  @Field(() => Period)
  period!: keyof typeof Period;

  @Field(() => String, { nullable: true, description: 'How the company names the period, e.g. FY2025 or 2025-Q3.' })
  fiscalPeriod!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency of the amounts.' })
  currency!: string | null;

  @Field(() => String, { description: 'Provider that produced this statement.' })
  source!: string;

  @Field(() => DateTimeScalar, { description: 'When the provider produced this statement: its filing date where the provider gives one, else when it was fetched.' })
  asOf!: Date;

  @StaleField()
  stale!: boolean;

  @FallbackFromField()
  fallbackFrom?: string[];
}

@ObjectType('IncomeStatement', { implements: FinancialStatementType })
export class IncomeStatementType extends FinancialStatementType {
  @Field(() => Float, amount) revenue!: number | null;
  @Field(() => Float, amount) costOfRevenue!: number | null;
  @Field(() => Float, { ...amount, description: 'Revenue minus cost of revenue.' }) grossProfit!: number | null;
  @Field(() => Float, amount) operatingExpenses!: number | null;
  @Field(() => Float, amount) operatingIncome!: number | null;
  @Field(() => Float, amount) interestExpense!: number | null;
  @Field(() => Float, amount) incomeBeforeTax!: number | null;
  @Field(() => Float, amount) incomeTaxExpense!: number | null;
  @Field(() => Float, amount) netIncome!: number | null;
  @Field(() => Float, amount) ebitda!: number | null;
  @Field(() => Float, { ...amount, description: 'Basic earnings per share.' }) eps!: number | null;
  @Field(() => Float, amount) dilutedEps!: number | null;
  @Field(() => Float, { ...amount, description: 'Weighted average basic shares outstanding.' }) sharesOutstanding!: number | null;
}

@ObjectType('BalanceSheet', { implements: FinancialStatementType })
export class BalanceSheetType extends FinancialStatementType {
  @Field(() => Float, amount) totalAssets!: number | null;
  @Field(() => Float, amount) totalCurrentAssets!: number | null;
  @Field(() => Float, { ...amount, description: 'Cash and cash equivalents.' }) cash!: number | null;
  @Field(() => Float, amount) shortTermInvestments!: number | null;
  @Field(() => Float, amount) receivables!: number | null;
  @Field(() => Float, amount) inventory!: number | null;
  @Field(() => Float, amount) totalNonCurrentAssets!: number | null;
  @Field(() => Float, amount) totalLiabilities!: number | null;
  @Field(() => Float, amount) totalCurrentLiabilities!: number | null;
  @Field(() => Float, amount) accountsPayable!: number | null;
  @Field(() => Float, { ...amount, description: 'Short- plus long-term debt.' }) totalDebt!: number | null;
  @Field(() => Float, amount) longTermDebt!: number | null;
  @Field(() => Float, amount) totalNonCurrentLiabilities!: number | null;
  @Field(() => Float, { ...amount, description: "Shareholders' equity: total assets minus total liabilities." }) totalEquity!: number | null;
  @Field(() => Float, amount) retainedEarnings!: number | null;
}

@ObjectType('CashFlowStatement', { implements: FinancialStatementType })
export class CashFlowStatementType extends FinancialStatementType {
  @Field(() => Float, amount) operatingCashFlow!: number | null;
  @Field(() => Float, { ...amount, description: 'Cash spent on property and equipment, as a positive amount.' }) capitalExpenditure!: number | null;
  @Field(() => Float, { ...amount, description: 'Operating cash flow minus capital expenditure.' }) freeCashFlow!: number | null;
  @Field(() => Float, amount) investingCashFlow!: number | null;
  @Field(() => Float, amount) financingCashFlow!: number | null;
  @Field(() => Float, { ...amount, description: 'Dividends paid, as a positive amount.' }) dividendsPaid!: number | null;
  @Field(() => Float, { ...amount, description: 'Cash spent buying back shares, as a positive amount.' }) shareRepurchases!: number | null;
  @Field(() => Float, amount) netChangeInCash!: number | null;
}

const typeNameOf: Record<FinancialStatement['type'], string> = {
  INCOME: 'IncomeStatement',
  BALANCE: 'BalanceSheet',
  CASH_FLOW: 'CashFlowStatement',
};
