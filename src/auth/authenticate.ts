import { LRUCache } from 'lru-cache';
import type { AuthSettings } from '../config/auth.js';
import { Right, type Consumer } from '../domain/index.js';
import { ApiKeys } from './api-keys.js';
import { unauthenticated } from './errors.js';
import type { JwtVerifier } from './jwt.js';
import { Profiles, quoted } from './profiles.js';

/** The claim that names the token's rights profile. */
export const PROFILE_CLAIM = 'rights_profile';
/** The optional claim listing rights on top of the profile's. */
export const RIGHTS_CLAIM = 'rights';

/** Verified tokens remembered, so a client reusing its token costs a map lookup, not a signature check. */
const TOKEN_CACHE_ENTRIES = 10_000;
const MAX_SUBJECT_LENGTH = 256;

/** Who is asking, and until when that holds (a JWT's expiry; absent for API keys and anonymous callers). */
export interface Authenticated {
  readonly consumer: Consumer;
  readonly expiresAt?: number;
}

/** HTTP headers as node:http gives them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface Authenticator {
  /**
   * From `Authorization: Bearer <JWT>` or `X-API-Key: <key>`; rejects with a MarketError when
   * refused (never throws). Answers at once, without a promise, when nothing needs verifying (no
   * credentials, an API key, a token verified before): the hot path of cached reads.
   */
  fromHeaders(headers: HeaderBag): Authenticated | Promise<Authenticated>;
  /** From graphql-ws `connection_init` params `{ authorization }` or `{ "x-api-key" }` (any case). */
  fromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): Promise<Authenticated>;
}

interface Credentials {
  readonly authorization: string | undefined;
  readonly apiKey: string | undefined;
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Turns credentials into a Consumer. A bad credential is always an UNAUTHENTICATED error, never
 * the public profile: a client whose token broke must hear it, not get thinner answers.
 */
export async function createAuthenticator(settings: AuthSettings, options: { readonly onVerifierUnavailable?: (error: unknown) => void } = {}): Promise<Authenticator> {
  const profiles = new Profiles(settings.profiles);
  const apiKeys = new ApiKeys(settings.apiKeys);
  // jose is loaded only where tokens are configured: a tenth of a gateway's start-up otherwise.
  const jwt: JwtVerifier | undefined =
    settings.jwt.secret === undefined && settings.jwt.jwks === undefined
      ? undefined
      : await (await import('./jwt.js')).createJwtVerifier(settings.jwt, options.onVerifierUnavailable ?? (() => {}));
  const anonymous: Authenticated = { consumer: profiles.anonymous(settings.anonymousProfile) };
  const verified = new LRUCache<string, Authenticated>({ max: TOKEN_CACHE_ENTRIES });
  const toleranceMs = settings.jwt.clockToleranceS * 1000;
  const { noTokensMessage, noKeysMessage } = unconfiguredMessages(settings);

  function fromToken(token: string): Authenticated | Promise<Authenticated> {
    const cached = verified.get(token);
    if (cached && cached.expiresAt !== undefined && Date.now() < cached.expiresAt + toleranceMs) return cached;
    if (cached) verified.delete(token);
    return verifyToken(token);
  }

  async function verifyToken(token: string): Promise<Authenticated> {
    if (!jwt) throw unauthenticated('malformed', noTokensMessage);
    const { payload, expiresAt } = await jwt.verify(token);
    // `sub` becomes the consumer id in audit entries, logs and throttling keys: keep it sane.
    if ((payload.sub as string).length > MAX_SUBJECT_LENGTH) throw unauthenticated('claims', `The token's "sub" claim is longer than ${MAX_SUBJECT_LENGTH} characters.`);
    const profile = payload[PROFILE_CLAIM];
    if (typeof profile !== 'string' || profile === '') {
      throw unauthenticated('claims', `The token names no rights profile: claim "${PROFILE_CLAIM}" must be a profile name.`);
    }
    const authenticated: Authenticated = { consumer: profiles.consumer(payload.sub as string, profile, extraRights(payload[RIGHTS_CLAIM])), expiresAt };
    verified.set(token, authenticated);
    return authenticated;
  }

  function fromApiKey(key: string): Authenticated {
    const found = apiKeys.find(key);
    if (!found) throw unauthenticated('unknown_key', settings.apiKeys.length > 0 ? 'The API key is not valid.' : noKeysMessage);
    return { consumer: profiles.consumer(found.consumerId, found.profile) };
  }

  /** Synchronous but for a token not verified before: API keys and anonymous callers cost no promise. */
  function authenticate({ authorization, apiKey }: Credentials): Authenticated | Promise<Authenticated> {
    if (authorization !== undefined && apiKey !== undefined) {
      throw unauthenticated('malformed', 'Send one credential: an Authorization bearer token or an X-API-Key, not both.');
    }
    if (authorization !== undefined) {
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw unauthenticated('malformed', 'The Authorization header must be "Bearer <token>".');
      return fromToken(token);
    }
    if (apiKey !== undefined) return fromApiKey(apiKey);
    if (settings.required) throw unauthenticated('missing', 'Credentials are required: send Authorization: Bearer <token> or X-API-Key: <key>.');
    return anonymous;
  }

  return {
    fromHeaders(headers) {
      try {
        return authenticate({ authorization: header('Authorization', headers['authorization']), apiKey: header('X-API-Key', headers['x-api-key']) });
      } catch (error) {
        // A refusal is always a rejection, as from an async function: callers need not guard a throw too.
        return Promise.reject(error);
      }
    },
    async fromConnectionParams(params) {
      const found: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(params ?? {})) found[name.toLowerCase()] = value;
      const authorization = found['authorization'];
      const apiKey = found['x-api-key'];
      if ((authorization !== undefined && typeof authorization !== 'string') || (apiKey !== undefined && typeof apiKey !== 'string')) {
        throw unauthenticated('malformed', 'connection_init payload: "authorization" and "x-api-key" must be strings.');
      }
      return authenticate({ authorization: present(authorization), apiKey: present(apiKey) });
    },
  };
}

/**
 * What a caller hears when it sends a kind of credential the gateway was given nothing to check
 * with. Only the operator can fix that, so the message names the setting; it starts with it because
 * a graphql-ws close reason keeps only the first 123 bytes.
 */
function unconfiguredMessages(settings: AuthSettings): { readonly noTokensMessage: string; readonly noKeysMessage: string } {
  const tokens = settings.jwt.secret !== undefined || settings.jwt.jwks !== undefined;
  const keys = settings.apiKeys.length > 0;
  // With neither configured, the caller has no credential to switch to: only the operator can help.
  const withoutCredentials = settings.openDevelopment
    ? `Until then the gateway is in open development mode: send no credentials (you get the ${settings.anonymousProfile} profile).`
    : `Without credentials you get the ${settings.anonymousProfile} profile.`;
  return {
    noTokensMessage: keys
      ? 'Bearer tokens are not accepted: the gateway has no AUTH_JWT_SECRET or AUTH_JWKS set. Send your X-API-Key instead.'
      : `Bearer tokens are not accepted: the operator must set AUTH_JWT_SECRET (HS256) or AUTH_JWKS (RS256/ES256) for the gateway to check them. ${withoutCredentials}`,
    noKeysMessage: tokens
      ? 'API keys are not accepted: the gateway has no AUTH_API_KEYS set. Send your token as Authorization: Bearer <token> instead.'
      : `API keys are not accepted: the operator must set AUTH_API_KEYS for the gateway to check them. ${withoutCredentials}`,
  };
}

/**
 * A credential header's value, with an empty one counted as absent (a proxy may send it empty).
 * Sent twice, it is refused like two credentials of different kinds: which one to believe is not
 * the gateway's guess to make (node:http alone would keep the first Authorization silently).
 */
function header(name: string, value: string | readonly string[] | undefined): string | undefined {
  if (typeof value !== 'string' && value !== undefined && value.length > 1) {
    throw unauthenticated('malformed', `Send one ${name} header; the request has ${value.length}.`);
  }
  return present(typeof value === 'string' ? value : value?.[0]);
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The `rights` claim: absent, or an array of known rights; anything else refuses the token. */
function extraRights(claim: unknown): readonly Right[] {
  if (claim === undefined) return [];
  if (!Array.isArray(claim) || claim.some((item) => typeof item !== 'string')) {
    throw unauthenticated('claims', `The token's "${RIGHTS_CLAIM}" claim must be an array of right names.`);
  }
  const unknown = claim.find((item) => !Right.safeParse(item).success);
  if (unknown !== undefined) {
    throw unauthenticated('unknown_right', `The token's "${RIGHTS_CLAIM}" claim names ${quoted(String(unknown))}, which is not a right (${Right.options.join(', ')}).`);
  }
  return claim as Right[];
}
