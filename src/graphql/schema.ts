import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { AdminResolver } from './resolvers/admin.js';
import { AuditResolver } from './resolvers/audit.js';
import { CompanyResolver } from './resolvers/company.js';
import { ConsensusResolver } from './resolvers/consensus.js';
import { EconomicsResolver } from './resolvers/economics.js';
import { FinancialsResolver } from './resolvers/financials.js';
import { BarResolver, HistoryResolver } from './resolvers/history.js';
import { MarketStatusResolver } from './resolvers/market-status.js';
import { PROVENANCE_RESOLVERS } from './resolvers/provenance.js';
import { ProvidersResolver } from './resolvers/providers.js';
import { QuoteResolver } from './resolvers/quote.js';
import { SearchResolver } from './resolvers/search.js';
import { QuoteSubscriptionResolver, withSynchronousLiveQuotes } from './resolvers/subscription.js';
import { withRightsDirective } from './rights/directive.js';
import { enforceRights, type RightsEnforcement } from './rights/enforce.js';
import { BalanceSheetType, CashFlowStatementType, IncomeStatementType } from './types/statements.js';

/**
 * The executable schema, built from the type-graphql classes, with `@requiresRight` enforced on
 * every field that carries it (src/graphql/rights). `schema.graphql` at the repository root is its
 * printed form, directives included, committed and checked in CI, so clients can diff the contract.
 */
export async function createSchema(rights: RightsEnforcement = {}): Promise<GraphQLSchema> {
  return enforceRights(await declaredSchema(), rights);
}

/**
 * The schema as declared, `@requiresRight` uses and definition included, but not enforced: what
 * `createSchema` transforms. Only for measuring what enforcement costs (bench/rights-overhead.ts).
 */
export async function declaredSchema(): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [
      QuoteResolver,
      CompanyResolver,
      HistoryResolver,
      BarResolver,
      FinancialsResolver,
      SearchResolver,
      EconomicsResolver,
      MarketStatusResolver,
      ConsensusResolver,
      ProvidersResolver,
      AdminResolver,
      AuditResolver,
      QuoteSubscriptionResolver,
      ...PROVENANCE_RESOLVERS,
    ],
    // Implementations reached only through the FinancialStatement interface.
    orphanedTypes: [IncomeStatementType, BalanceSheetType, CashFlowStatementType],
    validate: false,
    // type-graphql insists on a PubSub once any subscription exists. Ours bring their own streams
    // from the quote hub (`subscribe:`), so this in-process one carries no traffic.
    pubSub: createPubSub(),
  });
  return withRightsDirective(withSynchronousLiveQuotes(built));
}
