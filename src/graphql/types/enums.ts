import { registerEnumType } from 'type-graphql';
import { CapabilitySchema, IntervalSchema, PeriodSchema, ProviderIdSchema, SecurityTypeSchema, StatementTypeSchema, type ProviderId as ProviderIdValue } from '../../domain/index.js';

/** The GraphQL enums are the domain's zod enums, so the two can never drift apart. */
export const Interval = IntervalSchema.enum;
export const StatementType = StatementTypeSchema.enum;
export const Period = PeriodSchema.enum;
export const SecurityType = SecurityTypeSchema.enum;
export const Capability = {
  QUOTE: CapabilitySchema.enum.quote,
  HISTORY: CapabilitySchema.enum.history,
  PROFILE: CapabilitySchema.enum.profile,
  STATEMENTS: CapabilitySchema.enum.statements,
  SEARCH: CapabilitySchema.enum.search,
  ECONOMIC_SERIES: CapabilitySchema.enum.economicSeries,
  STREAM: CapabilitySchema.enum.stream,
} as const;
/** Each provider id upper-cased as its GraphQL name (`fmp` → FMP), mapped to the id itself. */
export const ProviderId = Object.fromEntries(ProviderIdSchema.options.map((id) => [id.toUpperCase(), id])) as {
  readonly [K in ProviderIdValue as Uppercase<K>]: K;
};

registerEnumType(Interval, { name: 'Interval', description: 'Bar size of a price history.' });
registerEnumType(StatementType, {
  name: 'StatementType',
  description: 'Which financial statement.',
  valuesConfig: {
    INCOME: { description: 'Income statement (profit and loss).' },
    BALANCE: { description: 'Balance sheet.' },
    CASH_FLOW: { description: 'Cash-flow statement.' },
  },
});
registerEnumType(Period, { name: 'Period', description: 'Reporting period of a financial statement.' });
registerEnumType(SecurityType, { name: 'SecurityType', description: 'Kind of listed instrument.' });
registerEnumType(Capability, { name: 'Capability', description: 'What a data provider can be asked for.' });
registerEnumType(ProviderId, {
  name: 'ProviderId',
  description: 'A data provider, by the id of the PROVIDERS setting and of `ProviderStatus.id` in upper case (FMP is "fmp").',
});
