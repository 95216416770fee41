import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import type { AuthSettings, JwksSource } from '../config/auth.js';
import type { MarketError } from '../domain/index.js';
import { unauthenticated, verificationUnavailable } from './errors.js';

/** Longest token looked at: a header this size is an attack or a mistake, not a JWT of ours. */
const MAX_TOKEN_LENGTH = 8 * 1024;

/**
 * After the JWKS could not be fetched, tokens needing it are answered "unavailable" at once for
 * this long: while the identity provider is down, jose would otherwise fetch once per request.
 */
const JWKS_BACKOFF_MS = 5_000;

/** The JWKS is backing off after a failed fetch: refused without a request to it. */
class JwksBackingOff extends Error {}

/** Asymmetric algorithms accepted with a JWKS; HS256 only ever with AUTH_JWT_SECRET. */
const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

export interface VerifiedToken {
  readonly payload: JWTPayload;
  /** When the token stops being valid, ms since the epoch. */
  readonly expiresAt: number;
}

export interface JwtVerifier {
  /** The token's claims, or a thrown UNAUTHENTICATED (or, when keys are unreachable, 503) MarketError. */
  verify(token: string): Promise<VerifiedToken>;
  readonly algorithms: readonly string[];
}

/** A key source of the configured JWKS; a file is read (and checked) once, at start-up. */
async function keySet(source: JwksSource): Promise<JWTVerifyGetKey> {
  if (source.kind === 'url') {
    // jose caches the set and refetches (at most every 30 s) when a token names an unknown `kid`,
    // so key rotation at the identity provider needs no restart.
    return createRemoteJWKSet(new URL(source.url), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }
  let text: string;
  try {
    text = await readFile(source.path, 'utf8');
  } catch (error) {
    throw new Error(`AUTH_JWKS: cannot read the JWKS file ${source.path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`AUTH_JWKS: ${source.path} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) {
    throw new Error(`AUTH_JWKS: ${source.path} is not a JWK set ({"keys":[…]})`);
  }
  return createLocalJWKSet(json as JSONWebKeySet);
}

/**
 * Verifies consumer JWTs: HS256 against AUTH_JWT_SECRET, RS256/ES256 against AUTH_JWKS; `exp` and
 * `sub` required, `iss`/`aud` checked when configured. Undefined when neither key is configured.
 */
export async function createJwtVerifier(settings: AuthSettings['jwt'], onUnavailable: (error: unknown) => void): Promise<JwtVerifier | undefined> {
  const secret = settings.secret === undefined ? undefined : new TextEncoder().encode(settings.secret);
  const jwks = settings.jwks === undefined ? undefined : await keySet(settings.jwks);
  if (!secret && !jwks) return undefined;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? JWKS_ALGORITHMS : [])];
  // The header's algorithm picks the key, and only within `algorithms` (jose checks that first):
  // a JWKS public key can never be used as an HMAC secret.
  let jwksDownUntil = 0;
  const getKey: JWTVerifyGetKey = (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (!jwks) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    if (Date.now() < jwksDownUntil) throw new JwksBackingOff();
    return jwks(header, token);
  };
  const options: JWTVerifyOptions = {
    algorithms,
    requiredClaims: ['exp', 'sub'],
    clockTolerance: settings.clockToleranceS,
    ...(settings.issuers.length > 0 ? { issuer: [...settings.issuers] } : {}),
    ...(settings.audiences.length > 0 ? { audience: [...settings.audiences] } : {}),
  };
  return {
    algorithms,
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated('malformed', `The bearer token is longer than ${MAX_TOKEN_LENGTH} characters.`);
      try {
        const { payload } = await jwtVerify(token, getKey, options);
        return { payload, expiresAt: (payload.exp as number) * 1000 };
      } catch (error) {
        const refusal = refusalOf(error, algorithms);
        if (refusal) throw refusal;
        if (!(error instanceof JwksBackingOff)) {
          jwksDownUntil = Date.now() + JWKS_BACKOFF_MS;
          onUnavailable(error);
        }
        throw verificationUnavailable(Math.ceil(Math.max(jwksDownUntil - Date.now(), 1_000) / 1000));
      }
    },
  };
}

/** What to tell the caller about a token jose refused; undefined when the fault is ours, not theirs. */
function refusalOf(error: unknown, algorithms: readonly string[]): MarketError | undefined {
  if (error instanceof errors.JWTExpired) return unauthenticated('expired', 'The token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated('claims', `The token's "${error.claim}" claim is not accepted: ${error.message}.`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('bad_signature', "The token's signature does not verify.");
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated('malformed', `The token's signing algorithm is not accepted here (accepted: ${algorithms.join(', ')}).`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated('bad_signature', 'No verification key of this gateway matches the token ("kid"/"alg").');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return unauthenticated('malformed', 'The bearer token is not a well-formed signed JWT.');
  }
  // JWKS fetch failures, timeouts, a JWKS endpoint answering junk: not the caller's fault.
  return undefined;
}
