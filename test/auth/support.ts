import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** Obviously fake secrets, long enough for HS256. */
export const SECRET = 'test-only-secret-not-for-production-0123456789';
export const OTHER_SECRET = 'another-test-only-secret-not-for-production-99';

export interface SignOptions {
  readonly secret?: string;
  readonly sub?: string;
  readonly profile?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  readonly claims?: JWTPayload;
  readonly iss?: string;
  readonly aud?: string;
}

/** An HS256 token as a client of the gateway would hold it. */
export function hs256(options: SignOptions = {}): Promise<string> {
  return sign(new TextEncoder().encode(options.secret ?? SECRET), 'HS256', options);
}

export function sign(key: CryptoKey | Uint8Array, alg: string, options: SignOptions = {}, kid?: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ ...(options.profile === undefined ? { rights_profile: 'pro' } : options.profile === '' ? {} : { rights_profile: options.profile }), ...options.claims })
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.sub !== '') jwt = jwt.setSubject(options.sub ?? 'alice');
  if (options.iss) jwt = jwt.setIssuer(options.iss);
  if (options.aud) jwt = jwt.setAudience(options.aud);
  return jwt.sign(key);
}

export interface KeyPair {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

/** A fresh signing key, and its public half as a JWKS entry. */
export async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export function signWith(pair: KeyPair, options: SignOptions = {}): Promise<string> {
  return sign(pair.privateKey, pair.alg, options, pair.kid);
}

/** A JWKS endpoint on loopback, as an identity provider serves it; `keys` can change (rotation). */
export interface JwksServer {
  readonly url: string;
  keys: JWK[];
  /** 200 with the set, or this status instead. */
  status: number;
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function serveJwks(keys: JWK[]): Promise<JwksServer> {
  let requests = 0;
  const state = { keys, status: 200 };
  const server: Server = createServer((_request, response) => {
    requests++;
    if (state.status !== 200) {
      response.writeHead(state.status).end('down');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(value) {
      state.keys = value;
    },
    get status() {
      return state.status;
    },
    set status(value) {
      state.status = value;
    },
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
