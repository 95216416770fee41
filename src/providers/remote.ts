import type { KeySource } from './keys.js';

/** What every HTTP provider adapter is built from. */
export interface RemoteAdapterSettings {
  /** One or more API keys, used in turn. */
  readonly keys: readonly string[];
  /** API base without a trailing slash: the real one, or a fake upstream in tests. */
  readonly baseUrl: string;
  /** Whole-call timeout. */
  readonly timeoutMs: number;
  /** Largest response body read (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** Hands out `keys` under quotas; default: a plain KeyRing over `keys`. */
  readonly keySource?: KeySource;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
