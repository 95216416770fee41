import { ANONYMOUS_PUBLIC, type Consumer } from '../domain/index.js';
import type { MarketService } from '../market/service.js';
import type { ProviderRegistry } from '../market/registry.js';
import type { QuoteHub } from '../streaming/hub.js';
import { createLoaders, type Loaders } from './loaders.js';
import { StaleTracker } from './stale.js';

/** What every resolver may reach. Built once per HTTP request or per subscription. */
export interface GraphQLContext {
  readonly loaders: Loaders;
  readonly market: MarketService;
  readonly providers: ProviderRegistry;
  readonly hub: QuoteHub;
  /**
   * The answers of this request served stale, by response path; filled by the resolvers whose
   * result can come from the stale cache, read by the server for `extensions.stale`.
   */
  readonly stale: StaleTracker;
  /** Who is asking (src/auth); rights, audit, throttling and the response cache read it. */
  readonly consumer: Consumer;
}

/** The long-lived parts the per-request context is built from. */
export interface ContextDependencies {
  readonly market: MarketService;
  readonly providers: ProviderRegistry;
  readonly hub: QuoteHub;
}

export function createContext(dependencies: ContextDependencies, consumer: Consumer = ANONYMOUS_PUBLIC): GraphQLContext {
  return { ...dependencies, loaders: createLoaders(dependencies.market), stale: new StaleTracker(), consumer };
}
