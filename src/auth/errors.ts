import { ErrorCode, MarketError } from '../domain/index.js';

/**
 * Why credentials were refused, for clients that act on it (refresh an `expired` token, fix a
 * `malformed` header) without parsing messages.
 */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'expired'
  | 'bad_signature'
  | 'claims'
  | 'unknown_key'
  | 'unknown_profile'
  | 'unknown_right';

/** Credentials that do not prove who the caller is: the whole request is refused with 401. */
export function unauthenticated(reason: AuthFailureReason, message: string): MarketError {
  return new MarketError(ErrorCode.UNAUTHENTICATED, message, { reason });
}

/**
 * The credentials could not be checked at all (the JWKS endpoint is down or answers nonsense).
 * Not the caller's fault, so not a 401 (a client would throw its good token away); the server
 * answers 503.
 */
export function verificationUnavailable(retryAfterSeconds: number): MarketError {
  return new MarketError(ErrorCode.INTERNAL_SERVER_ERROR, 'Credentials cannot be verified right now; retry shortly.', { retryAfter: retryAfterSeconds });
}
