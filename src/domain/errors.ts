/**
 * The one list of error codes a client can see in `extensions.code`, and the taxonomy of provider
 * failures that resilience acts on. Client codes and provider kinds are separate on purpose: a
 * provider's `UNAUTHORIZED` (our key is bad) must never reach a client as if *they* were.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ProviderFailureKind = {
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  NOT_FOUND: 'NOT_FOUND',
  BAD_RESPONSE: 'BAD_RESPONSE',
  UNAUTHORIZED: 'UNAUTHORIZED',
} as const;
export type ProviderFailureKind = (typeof ProviderFailureKind)[keyof typeof ProviderFailureKind];

/** Details safe to show a client: never a URL, a key, a stack or an upstream body. */
export type PublicDetails = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** An error meant for clients: its message and details are shown as they are. */
export class MarketError extends Error {
  override readonly name = 'MarketError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: PublicDetails = {},
  ) {
    super(message);
  }
}

/**
 * What an UNAUTHORIZED refusal is about: `key` when the key itself is bad or revoked (it will fail
 * every call, so it is taken out of use), `plan` when the key is fine but its plan lacks this
 * endpoint, symbol or parameter (other calls still work, so the key stays). Absent when the
 * provider did not say; key pools then keep the key, since wrongly retiring a good key costs more
 * than one more refused call.
 */
export type RefusalScope = 'key' | 'plan';

export interface ProviderErrorOptions {
  readonly upstreamMessage?: string;
  readonly retryAfterMs?: number;
  readonly scope?: RefusalScope;
}

/**
 * A provider call that failed, classified. `upstreamMessage` keeps the provider's own words for
 * logs; it is never shown to clients (see `toClientError`).
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderFailureKind,
    readonly provider: string,
    message: string,
    readonly options: ProviderErrorOptions = {},
  ) {
    super(message);
  }
}

const clientCodeOfKind: Record<ProviderFailureKind, ErrorCode> = {
  RATE_LIMITED: ErrorCode.RATE_LIMITED,
  UNAVAILABLE: ErrorCode.PROVIDER_UNAVAILABLE,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  BAD_RESPONSE: ErrorCode.PROVIDER_UNAVAILABLE,
  UNAUTHORIZED: ErrorCode.PROVIDER_UNAVAILABLE,
};

/** Turns any failure into what a client may see. Unknown errors become a bland internal error. */
export function toClientError(error: unknown): MarketError {
  if (error instanceof MarketError) return error;
  if (error instanceof ProviderError) {
    const code = clientCodeOfKind[error.kind];
    if (code === ErrorCode.NOT_FOUND) return new MarketError(code, 'No data found for this request.');
    if (code === ErrorCode.RATE_LIMITED) {
      const retryAfter = Math.ceil((error.options.retryAfterMs ?? 60_000) / 1000);
      return new MarketError(code, 'The data provider is rate limiting this gateway; retry later.', { retryAfter });
    }
    return new MarketError(code, 'No data provider could answer this request right now.');
  }
  return new MarketError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal error.');
}
