import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { AdminResolver } from './resolvers/admin.js';
import { CompanyResolver } from './resolvers/company.js';
import { EconomicsResolver } from './resolvers/economics.js';
import { FinancialsResolver } from './resolvers/financials.js';
import { HistoryResolver } from './resolvers/history.js';
import { ProvidersResolver } from './resolvers/providers.js';
import { QuoteResolver } from './resolvers/quote.js';
import { SearchResolver } from './resolvers/search.js';
import { QuoteSubscriptionResolver } from './resolvers/subscription.js';
import { BalanceSheetType, CashFlowStatementType, IncomeStatementType } from './types/statements.js';

/**
 * The executable schema, built from the type-graphql classes. `schema.graphql` at the repository
 * root is its printed form, committed and checked in CI, so clients can diff the contract.
 */
export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      QuoteResolver,
      CompanyResolver,
      HistoryResolver,
      FinancialsResolver,
      SearchResolver,
      EconomicsResolver,
      ProvidersResolver,
      AdminResolver,
      QuoteSubscriptionResolver,
    ],
    // Implementations reached only through the FinancialStatement interface.
    orphanedTypes: [IncomeStatementType, BalanceSheetType, CashFlowStatementType],
    validate: false,
    // type-graphql insists on a PubSub once any subscription exists. Ours bring their own streams
    // from the quote hub (`subscribe:`), so this in-process one carries no traffic.
    pubSub: createPubSub(),
  });
}
