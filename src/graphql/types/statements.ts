import { Field, Float, InterfaceType, ObjectType } from 'type-graphql';
import { BALANCE_LINES, CASH_FLOW_LINES, INCOME_LINES, type FinancialStatement } from '../../domain/index.js';
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

/** The lines that need more than their name; a line not listed here has no description. */
const LINE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  grossProfit: 'Revenue minus cost of revenue.',
  eps: 'Basic earnings per share.',
  sharesOutstanding: 'Weighted average basic shares outstanding.',
  cash: 'Cash and cash equivalents.',
  totalDebt: 'Short- plus long-term debt.',
  totalEquity: "Shareholders' equity: total assets minus total liabilities.",
  capitalExpenditure: 'Cash spent on property and equipment, as a positive amount.',
  freeCashFlow: 'Operating cash flow minus capital expenditure.',
  dividendsPaid: 'Dividends paid, as a positive amount.',
  shareRepurchases: 'Cash spent buying back shares, as a positive amount.',
};

/**
 * Each of `lines` a nullable Float field of `type`, in order: the domain's list of a statement's
 * lines is the one list both its schema and the GraphQL type are made from. type-graphql reads
 * field metadata when the schema is built, so fields declared after the class are seen.
 */
function amountFields(type: abstract new () => FinancialStatementType, lines: readonly string[]): void {
  for (const line of lines) {
    const description = LINE_DESCRIPTIONS[line];
    Field(() => Float, { ...amount, ...(description === undefined ? {} : { description }) })(type.prototype, line);
  }
}

@ObjectType('IncomeStatement', { implements: FinancialStatementType })
export class IncomeStatementType extends FinancialStatementType {}
amountFields(IncomeStatementType, INCOME_LINES);

@ObjectType('BalanceSheet', { implements: FinancialStatementType })
export class BalanceSheetType extends FinancialStatementType {}
amountFields(BalanceSheetType, BALANCE_LINES);

@ObjectType('CashFlowStatement', { implements: FinancialStatementType })
export class CashFlowStatementType extends FinancialStatementType {}
amountFields(CashFlowStatementType, CASH_FLOW_LINES);

const typeNameOf: Record<FinancialStatement['type'], string> = {
  INCOME: 'IncomeStatement',
  BALANCE: 'BalanceSheet',
  CASH_FLOW: 'CashFlowStatement',
};
