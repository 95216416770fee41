import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthenticator, hashApiKey, type Authenticator } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { MarketError } from '../../src/domain/index.js';
import { hs256, keyPair, OTHER_SECRET, SECRET, serveJwks, signWith, type JwksServer, type KeyPair } from './support.js';

const authenticatorFor = (env: Record<string, string>, onVerifierUnavailable?: (error: unknown) => void): Promise<Authenticator> =>
  createAuthenticator(loadConfig(env).auth, onVerifierUnavailable ? { onVerifierUnavailable } : {});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The refusal a request would get: its code, reason and message. */
async function refusal(attempt: unknown): Promise<{ code: string; reason: unknown; message: string }> {
  try {
    await attempt;
  } catch (error) {
    if (!(error instanceof MarketError)) throw error;
    return { code: error.code, reason: error.details['reason'], message: error.message };
  }
  throw new Error('expected the credentials to be refused');
}

const rightsOf = async (attempt: { consumer: { rights: ReadonlySet<string> } } | Promise<{ consumer: { rights: ReadonlySet<string> } }>) => [...(await attempt).consumer.rights].sort();

describe('HS256 tokens', () => {
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: 'marketgraph,marketgraph-staging' });
  });
  const good = (options: Parameters<typeof hs256>[0] = {}) => hs256({ iss: 'https://idp.test', aud: 'marketgraph', ...options });

  it('turns a good token into its consumer: sub as id, the profile named by rights_profile, and its rights', async () => {
    const { consumer, expiresAt } = await auth.fromHeaders(bearer(await good({ sub: 'alice', profile: 'basic' })));
    expect(consumer).toMatchObject({ id: 'alice', profile: 'basic', anonymous: false });
    expect([...consumer.rights].sort()).toEqual(['COMPANY', 'HISTORY', 'PROVIDER_STATUS', 'QUOTES_DELAYED', 'SEARCH']);
    expect(expiresAt).toBeGreaterThan(Date.now());
  });

  it('gives each built-in profile its documented rights', async () => {
    const pro = ['COMPANY', 'ECONOMICS', 'FUNDAMENTALS', 'HISTORY', 'PROVIDER_STATUS', 'QUOTES_DELAYED', 'QUOTES_REALTIME', 'SEARCH', 'STREAMING'];
    expect(await rightsOf(auth.fromHeaders(bearer(await good({ profile: 'public' }))))).toEqual(['COMPANY', 'QUOTES_DELAYED', 'SEARCH']);
    expect(await rightsOf(auth.fromHeaders(bearer(await good({ profile: 'pro' }))))).toEqual(pro);
    expect(await rightsOf(auth.fromHeaders(bearer(await good({ profile: 'enterprise' }))))).toEqual([...pro, 'QUOTES_CONSENSUS'].sort());
    expect(await rightsOf(auth.fromHeaders(bearer(await good({ profile: 'admin' }))))).toEqual([...pro, 'QUOTES_CONSENSUS', 'ADMIN'].sort());
  });

  it('adds the rights of the `rights` claim to the profile', async () => {
    const token = await good({ profile: 'public', claims: { rights: ['ECONOMICS', 'HISTORY'] } });
    expect(await rightsOf(auth.fromHeaders(bearer(token)))).toEqual(['COMPANY', 'ECONOMICS', 'HISTORY', 'QUOTES_DELAYED', 'SEARCH']);
    // The profile's own consumers are untouched by one token's extra rights.
    expect(await rightsOf(auth.fromHeaders(bearer(await good({ profile: 'public' }))))).toEqual(['COMPANY', 'QUOTES_DELAYED', 'SEARCH']);
  });

  it('accepts the scheme in any case and any configured audience', async () => {
    const token = await good({ aud: 'marketgraph-staging' });
    expect((await auth.fromHeaders({ authorization: `bearer ${token}` })).consumer.profile).toBe('pro');
  });

  it.each([
    ['a bad signature', () => good({ secret: OTHER_SECRET }), 'bad_signature', /signature/],
    ['an expired token', () => good({ expiresIn: -60 }), 'expired', /expired/],
    ['a wrong issuer', () => good({ iss: 'https://evil.test' }), 'claims', /"iss"/],
    ['no issuer', () => hs256({ aud: 'marketgraph' }), 'claims', /"iss"/],
    ['a wrong audience', () => good({ aud: 'someone-else' }), 'claims', /"aud"/],
    ['no sub', () => good({ sub: '' }), 'claims', /"sub"/],
    ['a sub of 300 characters', () => good({ sub: 'x'.repeat(300) }), 'claims', /"sub" claim is longer than 256/],
    ['no rights_profile', () => good({ profile: '' }), 'claims', /rights_profile/],
    ['an unknown profile', () => good({ profile: 'platinum' }), 'unknown_profile', /"platinum"/],
    ['an unknown right', () => good({ claims: { rights: ['QUOTES_REALTIME', 'EVERYTHING'] } }), 'unknown_right', /"EVERYTHING"/],
    ['a rights claim that is no list', () => good({ claims: { rights: 'ADMIN' } }), 'claims', /array/],
    ['a token that is no JWT', async () => 'not.a.jwt', 'malformed', /well-formed/],
    ['an unsigned token (alg none)', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', rights_profile: 'admin', exp: 9e9 })).toString('base64url')}.`, 'malformed', /./],
  ])('refuses %s as UNAUTHENTICATED (%s)', async (_name, token, reason, message) => {
    const refused = await refusal(auth.fromHeaders(bearer(await token())));
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', reason });
    expect(refused.message).toMatch(message);
  });

  it('refuses a token without exp', async () => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ rights_profile: 'pro' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer('https://idp.test').setAudience('marketgraph').sign(new TextEncoder().encode(SECRET));
    expect(await refusal(auth.fromHeaders(bearer(token)))).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/"exp"/) });
  });

  it('refuses an Authorization header that is not a bearer token, and two credentials at once', async () => {
    expect(await refusal(auth.fromHeaders({ authorization: 'Basic YWxpY2U6c2VjcmV0' }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
    expect(await refusal(auth.fromHeaders({ authorization: 'Bearer' }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
    expect(await refusal(auth.fromHeaders({ ...bearer(await good()), 'x-api-key': 'k' }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
  });

  it('keeps refusing a token once it expires, even after it was accepted', async () => {
    // Only Date is faked (the token's iat/exp, jose's check and the authenticator's cache all read
    // it): the token expires by moving the clock, not by waiting two seconds of real time.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const quick = await authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_S: '0' });
      const token = await hs256({ expiresIn: 1 });
      await quick.fromHeaders(bearer(token));
      vi.setSystemTime(Date.now() + 2_100);
      expect(await refusal(quick.fromHeaders(bearer(token)))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('callers without a token', () => {
  it('get the public profile as `anonymous`, with the rights AUTH_PROFILES gives it', async () => {
    const auth = await authenticatorFor({ AUTH_JWT_SECRET: SECRET });
    expect((await auth.fromHeaders({})).consumer).toMatchObject({ id: 'anonymous', profile: 'public', anonymous: true });
    expect(await rightsOf(auth.fromHeaders({ authorization: '' }))).toEqual(['COMPANY', 'QUOTES_DELAYED', 'SEARCH']);
    const custom = await authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_PROFILES: '{"public":["QUOTES_DELAYED"],"partner":{"rights":["QUOTES_REALTIME"]}}' });
    expect(await rightsOf(custom.fromHeaders({}))).toEqual(['QUOTES_DELAYED']);
  });

  it('are refused with reason "missing" when AUTH_REQUIRED=true', async () => {
    const auth = await authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_REQUIRED: 'true' });
    // Refusals reject, as from an async function; they are never thrown at the caller.
    const attempt = auth.fromHeaders({});
    expect(attempt).toBeInstanceOf(Promise);
    await expect(attempt).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(auth.fromHeaders({}))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'missing' });
    expect((await auth.fromHeaders(bearer(await hs256()))).consumer.id).toBe('alice');
  });

  it('cannot use a bearer token where no JWT key is configured', async () => {
    const auth = await authenticatorFor({ AUTH_API_KEYS: `${hashApiKey('mg_test_only_x')}:x:basic` });
    expect(await refusal(auth.fromHeaders(bearer(await hs256())))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
  });
});

describe('API keys', () => {
  const key = 'mg_test_only_key_for_acme';
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await authenticatorFor({ AUTH_API_KEYS: `${hashApiKey(key)}:acme:enterprise, ${hashApiKey('mg_test_only_ops')}:ops:admin` });
  });

  it('turn a configured key into its consumer and profile', async () => {
    const { consumer, expiresAt } = await auth.fromHeaders({ 'x-api-key': key });
    expect(consumer).toMatchObject({ id: 'acme', profile: 'enterprise', anonymous: false });
    expect(consumer.rights.has('QUOTES_REALTIME')).toBe(true);
    expect(expiresAt).toBeUndefined();
    expect((await auth.fromHeaders({ 'x-api-key': 'mg_test_only_ops' })).consumer).toMatchObject({ id: 'ops', profile: 'admin' });
  });

  it('refuse an unknown key, a key differing in one character and an over-long one', async () => {
    for (const bad of ['mg_test_only_key_for_acmf', 'nope', 'x'.repeat(10_000)]) {
      expect(await refusal(auth.fromHeaders({ 'x-api-key': bad }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'unknown_key' });
    }
  });
});

describe('graphql-ws connection params', () => {
  it('carry the same credentials under any key case', async () => {
    const auth = await authenticatorFor({ AUTH_JWT_SECRET: SECRET, AUTH_API_KEYS: `${hashApiKey('mg_test_ws')}:wsuser:basic` });
    expect((await auth.fromConnectionParams({ Authorization: `Bearer ${await hs256({ sub: 'bob' })}` })).consumer.id).toBe('bob');
    expect((await auth.fromConnectionParams({ 'X-API-Key': 'mg_test_ws' })).consumer.id).toBe('wsuser');
    expect((await auth.fromConnectionParams(undefined)).consumer.anonymous).toBe(true);
    expect(await refusal(auth.fromConnectionParams({ authorization: 42 }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
    expect(await refusal(auth.fromConnectionParams({ authorization: 'Bearer junk' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('RS256 and ES256 tokens against a JWKS', () => {
  let rsa: KeyPair;
  let ec: KeyPair;
  let stranger: KeyPair;
  let jwks: JwksServer;
  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([keyPair('RS256', 'rsa-1'), keyPair('ES256', 'ec-1'), keyPair('ES256', 'ec-1')]);
    jwks = await serveJwks([rsa.jwk, ec.jwk]);
  });
  afterAll(() => jwks?.close());

  it('verifies both algorithms against a JWKS file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mg-jwks-'));
    const file = join(dir, 'jwks.json');
    await writeFile(file, JSON.stringify({ keys: [rsa.jwk, ec.jwk] }));
    const auth = await authenticatorFor({ AUTH_JWKS: file });
    expect((await auth.fromHeaders(bearer(await signWith(rsa, { sub: 'rsa-user', profile: 'basic' })))).consumer).toMatchObject({ id: 'rsa-user', profile: 'basic' });
    expect((await auth.fromHeaders(bearer(await signWith(ec, { sub: 'ec-user' })))).consumer).toMatchObject({ id: 'ec-user', profile: 'pro' });
    // Same kid, another key: the signature gives it away.
    expect(await refusal(auth.fromHeaders(bearer(await signWith(stranger))))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'bad_signature' });
    // HS256 is not accepted without a secret, whatever the token claims.
    expect(await refusal(auth.fromHeaders(bearer(await hs256())))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'malformed' });
  });

  it('refuses to start on a JWKS file that is missing or not a key set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mg-jwks-'));
    await writeFile(join(dir, 'bad.json'), '{"not":"keys"}');
    await expect(authenticatorFor({ AUTH_JWKS: join(dir, 'missing.json') })).rejects.toThrow(/AUTH_JWKS: cannot read/);
    await expect(authenticatorFor({ AUTH_JWKS: join(dir, 'bad.json') })).rejects.toThrow(/not a JWK set/);
  });

  it('verifies against a JWKS URL, fetching it once for many tokens', async () => {
    const auth = await authenticatorFor({ AUTH_JWKS: jwks.url, AUTH_JWT_SECRET: SECRET });
    const before = jwks.requests();
    for (let i = 0; i < 5; i++) expect((await auth.fromHeaders(bearer(await signWith(i % 2 ? rsa : ec, { sub: `u${i}` })))).consumer.id).toBe(`u${i}`);
    expect(jwks.requests() - before).toBe(1);
    // HS256 still goes to the secret when both are configured.
    expect((await auth.fromHeaders(bearer(await hs256({ sub: 'hs' })))).consumer.id).toBe('hs');
    // A kid the set does not have (jose refetches at most every 30 s to look for it).
    expect(await refusal(auth.fromHeaders(bearer(await signWith(keyPairWithKid(stranger, 'unknown-kid')))))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'bad_signature' });
  });

  it('answers "cannot verify right now" (not UNAUTHENTICATED) while the JWKS URL is down, asking it once per 5 s, and reports why once', async () => {
    const down = await serveJwks([ec.jwk]);
    down.status = 503;
    const seen: unknown[] = [];
    const auth = await authenticatorFor({ AUTH_JWKS: down.url, AUTH_JWT_SECRET: SECRET }, (error) => seen.push(error));
    for (let i = 0; i < 5; i++) {
      const refused = await refusal(auth.fromHeaders(bearer(await signWith(ec, { sub: `u${i}` }))));
      expect(refused.code).toBe('INTERNAL_SERVER_ERROR');
      expect(refused.message).toMatch(/cannot be verified right now/);
    }
    expect(down.requests()).toBe(1);
    expect(seen).toHaveLength(1);
    // HS256 tokens do not need the JWKS and keep working.
    expect((await auth.fromHeaders(bearer(await hs256({ sub: 'hs' })))).consumer.id).toBe('hs');
    await down.close();
  });
});

function keyPairWithKid(pair: KeyPair, kid: string): KeyPair {
  return { ...pair, kid, jwk: { ...pair.jwk, kid } };
}
