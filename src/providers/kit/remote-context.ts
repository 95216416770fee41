import type { ProviderId } from '../../domain/index.js';
import type { ProviderAdapter } from '../adapter.js';
import { ProviderHttpClient } from '../http.js';
import { KeyRing, type KeySource } from '../keys.js';
import { DEFAULT_MAX_BODY_BYTES, type RemoteAdapterSettings } from '../remote.js';

/** Who a remote provider is: its id in the schema and metrics, and the name people know it by. */
export interface ProviderIdentity {
  readonly id: ProviderId;
  /** Shown in `providers { name }` and in messages about its payloads ("Finnhub's documented format"). */
  readonly name: string;
}

/**
 * What every capability of a remote provider is built from: one HTTP client and one key source
 * per adapter, so connections and quotas are shared by all its capabilities and released once.
 */
export interface RemoteContext extends ProviderIdentity {
  readonly http: ProviderHttpClient;
  readonly keys: KeySource;
  /** API base without a trailing slash; it may carry a path prefix (a proxy), so paths are appended to it. */
  readonly baseUrl: string;
  /** Clock for provenance, quota resets and date windows; injectable so tests need no fake timers. */
  readonly now: () => number;
}

/** The context of one adapter, from its settings: every key is a secret the client redacts. */
export function createRemoteContext(provider: ProviderIdentity, settings: RemoteAdapterSettings, now: () => number = Date.now): RemoteContext {
  const http = new ProviderHttpClient({
    provider: provider.id,
    timeoutMs: settings.timeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    secrets: settings.keys,
  });
  const keys: KeySource = settings.keySource ?? new KeyRing(settings.keys);
  return { id: provider.id, name: provider.name, http, keys, baseUrl: settings.baseUrl, now };
}

/** The capabilities a remote adapter declares; identity and `close` come from its context. */
export type RemoteCapabilities = Omit<ProviderAdapter, 'id' | 'name' | 'close'>;

/** A remote provider's adapter: its capabilities, and a close that releases the context's connections and key source. */
export function remoteAdapter(context: RemoteContext, capabilities: RemoteCapabilities): ProviderAdapter {
  return {
    id: context.id,
    name: context.name,
    ...capabilities,
    close: async () => {
      await context.http.close();
      await context.keys.close?.();
    },
  };
}

export type QueryValue = string | number | boolean;

/** The URL of one endpoint. `new URL(path, base)` would drop a base's path prefix, so the path is appended. */
export function endpointUrl(context: Pick<RemoteContext, 'baseUrl'>, path: string, query: Readonly<Record<string, QueryValue>> = {}): URL {
  const url = new URL(context.baseUrl + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return url;
}
