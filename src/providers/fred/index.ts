import type { ProviderAdapter } from '../adapter.js';
import { createRemoteContext, remoteAdapter } from '../kit/remote-context.js';
import type { RemoteAdapterSettings } from '../remote.js';
import { PROVIDER } from './client.js';
import { createEconomicSeriesFetcher } from './series.js';

/**
 * FRED, the St. Louis Fed's economic database: economic series only (GDP, CPIAUCSL, DGS10, …).
 * It has no quotes, profiles, statements or symbol search, so those capabilities are absent.
 */
export function createFredProvider(settings: RemoteAdapterSettings): ProviderAdapter {
  const context = createRemoteContext(PROVIDER, settings);
  return remoteAdapter(context, { economicSeries: createEconomicSeriesFetcher(context) });
}
