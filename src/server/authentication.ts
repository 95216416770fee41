import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, MarketError, type Consumer } from '../domain/index.js';

/**
 * Request headers with every value of each (node:http's `headersDistinct`). Its `headers` keeps
 * only the first of two Authorization headers and joins two X-API-Keys, so a request carrying
 * two credentials would pass as one.
 */
export type CredentialHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The credential headers of a request, each with every value it was sent with: what
 * `headersDistinct` gives for them, without building that object for every header of every
 * request (it showed in the cached path's profile).
 */
export function credentialHeaders(request: IncomingMessage): CredentialHeaders {
  let authorization: string[] | undefined;
  let apiKey: string[] | undefined;
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] ?? '';
    const value = raw[index + 1] ?? '';
    if (name.length === 13 && name.toLowerCase() === 'authorization') (authorization ??= []).push(value);
    else if (name.length === 9 && name.toLowerCase() === 'x-api-key') (apiKey ??= []).push(value);
  }
  return { authorization, 'x-api-key': apiKey };
}

/** Who is asking, and until when (a token's expiry, ms since the epoch). */
export interface AuthenticatedCaller {
  readonly consumer: Consumer;
  readonly expiresAt?: number;
}

/**
 * What the server needs of src/auth (built in the composition root, src/app/): a Consumer from request headers or from a
 * graphql-ws `connection_init` payload, or a thrown MarketError — UNAUTHENTICATED for bad or
 * missing credentials, anything else when they could not be checked.
 */
export interface RequestAuthenticator {
  /** Pass node:http's `headersDistinct`: a credential sent twice must be refused, not reduced to its first. */
  fromHeaders(headers: CredentialHeaders): AuthenticatedCaller | Promise<AuthenticatedCaller>;
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

/**
 * graphql-ws: credentials refused in `onConnect` close with 4401 Unauthorized, a code the
 * graphql-ws client treats as fatal: it reports the close on the first attempt, where 4403 made
 * a default client retry the same credentials five times (~40 s) before saying anything.
 */
export const CLOSE_UNAUTHORIZED = 4401;
/**
 * An expired token closes with 4403 Forbidden instead, which the client retries: a client that
 * fetches a fresh token in `connectionParams` (graphql-ws's token-refresh recipe keys on 4403)
 * reconnects without its subscriptions failing.
 */
export const CLOSE_FORBIDDEN = 4403;
/** RFC 6455 "Try Again Later": the credentials could not be checked right now. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** The close code and reason (at most 123 bytes, as WebSocket allows) for a refused connection. */
export function closeFrameFor(error: MarketError): { readonly code: number; readonly reason: string } {
  let code = CLOSE_TRY_AGAIN_LATER;
  let label = 'Try again later';
  if (error.code === ErrorCode.UNAUTHENTICATED) {
    const expired = error.details['reason'] === 'expired';
    code = expired ? CLOSE_FORBIDDEN : CLOSE_UNAUTHORIZED;
    label = expired ? 'Forbidden' : 'Unauthorized';
  }
  let reason = `${label}: ${error.message}`;
  while (Buffer.byteLength(reason) > 123) reason = `${reason.slice(0, -2)}…`;
  return { code, reason };
}

/** A token that expires while its connection is open ends the connection then, like a refused one. */
export const expiredTokenClose = closeFrameFor(new MarketError(ErrorCode.UNAUTHENTICATED, 'The token has expired.', { reason: 'expired' }));
