import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ErrorCode, MarketError, type Consumer } from '../domain/index.js';

/** Who is asking, and until when (a token's expiry, ms since the epoch). */
export interface AuthenticatedCaller {
  readonly consumer: Consumer;
  readonly expiresAt?: number;
}

/**
 * What the server needs of src/auth (built in app.ts): a Consumer from request headers or from a
 * graphql-ws `connection_init` payload, or a thrown MarketError — UNAUTHENTICATED for bad or
 * missing credentials, anything else when they could not be checked.
 */
export interface RequestAuthenticator {
  fromHeaders(headers: IncomingHttpHeaders): Promise<AuthenticatedCaller>;
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): Promise<AuthenticatedCaller>;
}

const REALM = 'marketgraph';

/**
 * The whole request refused before GraphQL runs: 401 with `WWW-Authenticate: Bearer` (RFC 6750)
 * for credentials that prove nothing, 503 when they could not be checked. The body is a GraphQL
 * error, so clients read it where they read every other error.
 */
export function sendAuthFailure(response: ServerResponse, error: MarketError): void {
  const refused = error.code === ErrorCode.UNAUTHENTICATED;
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (refused) {
    // No `error=` when nothing was presented (RFC 6750 §3.1): the caller just has to authenticate.
    // A header value must be visible ASCII; the message may quote a claim of the token verbatim.
    const description = error.message.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
    const invalid = error.details['reason'] === 'missing' ? '' : `, error="invalid_token", error_description="${description}"`;
    headers['www-authenticate'] = `Bearer realm="${REALM}"${invalid}`;
  } else if (typeof error.details['retryAfter'] === 'number') {
    headers['retry-after'] = error.details['retryAfter'];
  }
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] });
  headers['content-length'] = Buffer.byteLength(body);
  response.writeHead(refused ? 401 : 503, headers);
  response.end(body);
}

/** graphql-ws: a connection refused in `onConnect` closes with 4403 Forbidden (the library's own convention). */
export const CLOSE_FORBIDDEN = 4403;
/** RFC 6455 "Try Again Later": the credentials could not be checked right now. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** The close code and reason (at most 123 bytes, as WebSocket allows) for a refused connection. */
export function closeFrameFor(error: MarketError): { readonly code: number; readonly reason: string } {
  const code = error.code === ErrorCode.UNAUTHENTICATED ? CLOSE_FORBIDDEN : CLOSE_TRY_AGAIN_LATER;
  let reason = `${error.code === ErrorCode.UNAUTHENTICATED ? 'Forbidden' : 'Try again later'}: ${error.message}`;
  while (Buffer.byteLength(reason) > 123) reason = `${reason.slice(0, -2)}…`;
  return { code, reason };
}

/** A token that expires while its connection is open ends the connection then, like a refused one. */
export const expiredTokenClose = closeFrameFor(new MarketError(ErrorCode.UNAUTHENTICATED, 'The token has expired.', { reason: 'expired' }));
