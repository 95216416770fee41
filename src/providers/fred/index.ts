import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';
import { FRED_PROVIDER_ID, createEconomicSeriesFetcher } from './series.js';

/**
 * FRED, the St. Louis Fed's economic database: economic series only (GDP, CPIAUCSL, DGS10, …).
 * It has no quotes, profiles, statements or symbol search, so those capabilities are absent.
 */
export function createFredProvider(settings: RemoteAdapterSettings): ProviderAdapter {
  const http = new ProviderHttpClient({
    provider: FRED_PROVIDER_ID,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  return {
    id: FRED_PROVIDER_ID,
    name: 'FRED (Federal Reserve Economic Data)',
    economicSeries: createEconomicSeriesFetcher({ http, keys, baseUrl: settings.baseUrl }),
    close: async () => {
      await http.close();
      await keys.close?.();
    },
  };
}
