import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { CompanyDocument, ProvidersDocument, QuoteDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway, fakedClockEnv } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';
import { hs256, keyPair, OTHER_SECRET, SECRET, serveJwks, signWith, type JwksServer, type KeyPair } from './support.js';

const run = promisify(execFile);
const API_KEY = 'mg_test_only_http_key';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const BASIC_KEY = 'mg_test_only_http_basic_key';
/** A real-time quote: the pro profile (the default of test tokens) may read it. */
const quote = (url: string, headers: Record<string, string> = {}) => execute(url, QuoteDocument, { symbol: 'AAPL' }, headers);
/** A company profile (any profile) with its financials (FUNDAMENTALS: pro and up). */
const company = (url: string, headers: Record<string, string> = {}) => execute(url, CompanyDocument, { symbol: 'AAPL' }, headers);

describe('HTTP requests with HS256 tokens and API keys', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await spawnGateway({
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'marketgraph',
      AUTH_API_KEYS: `${hashApiKey(API_KEY)}:acme:pro,${hashApiKey(BASIC_KEY)}:smallco:basic`,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });
  const good = (options: Parameters<typeof hs256>[0] = {}) => hs256({ iss: 'https://idp.test', aud: 'marketgraph', ...options });

  it('answers a request with a valid token', async () => {
    const response = await quote(gateway.url, bearer(await good()));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data?.quote?.symbol).toBe('AAPL');
  });

  it('answers a request with a valid API key', async () => {
    const response = await quote(gateway.url, { 'x-api-key': API_KEY });
    expect(response.status).toBe(200);
    expect(response.data?.quote?.symbol).toBe('AAPL');
  });

  it('answers a request without credentials as the public profile: the company, not its financials', async () => {
    const response = await company(gateway.url);
    expect(response.status).toBe(200);
    expect(response.data?.company?.name).toBeTruthy();
    expect(response.data?.company?.financials ?? null).toBeNull();
    expect(response.errors?.find((error) => error.path?.join('.') === 'company.financials')?.extensions?.['code']).toBe('FORBIDDEN');
    const pro = await company(gateway.url, bearer(await good()));
    expect(pro.errors).toBeUndefined();
    expect(pro.data?.company?.financials).toHaveLength(2);
  });

  it("answers each consumer by the rights of its profile: provider status for basic, not for public", async () => {
    const basic = await execute(gateway.url, ProvidersDocument, {}, { 'x-api-key': BASIC_KEY });
    expect(basic.errors).toBeUndefined();
    expect(basic.data?.providers?.map((provider) => provider.id)).toContain('simulated');
    const anonymous = await execute(gateway.url, ProvidersDocument, {});
    expect(anonymous.status).toBe(200);
    expect(anonymous.data?.providers ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it.each([
    ['a bad signature', () => good({ secret: OTHER_SECRET }), 'bad_signature'],
    ['an expired token', () => good({ expiresIn: -60 }), 'expired'],
    ['a wrong issuer', () => good({ iss: 'https://evil.test' }), 'claims'],
    ['a wrong audience', () => good({ aud: 'other-api' }), 'claims'],
    ['an unknown profile', () => good({ profile: 'platinum' }), 'unknown_profile'],
    ['a malformed token', async () => 'eyJhbGciOiJIUzI1NiJ9.garbage', 'malformed'],
    ['a profile claim in non-ASCII with a newline', () => good({ profile: 'plätinum 金 "gold"\n' }), 'unknown_profile'],
  ])('refuses the whole request for %s: 401 UNAUTHENTICATED, never the public answer', async (_name, token, reason) => {
    const response = await quote(gateway.url, bearer(await token()));
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason } }]);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="marketgraph", error="invalid_token", error_description="[^"]+"$/);
  });

  it('refuses a bad API key and a non-bearer Authorization header with 401', async () => {
    const attempts: Array<Record<string, string>> = [{ 'x-api-key': 'mg_test_only_wrong' }, { authorization: 'Basic YWNtZTpzZWNyZXQ=' }];
    for (const headers of attempts) {
      const response = await quote(gateway.url, headers);
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts a token minted by `npm run token`', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts', '--profile', 'pro', '--sub', 'dev', '--iss', 'https://idp.test', '--aud', 'marketgraph'], {
      // The script's clock must be the gateway's: under a faked clock it would otherwise mint on the real one.
      env: { PATH: process.env['PATH'] ?? '', ...fakedClockEnv(), AUTH_JWT_SECRET: SECRET },
    });
    const response = await quote(gateway.url, bearer(stdout.trim()));
    expect(response.status).toBe(200);
    expect(response.data?.quote?.symbol).toBe('AAPL');
  });

  it('answers `npm run token` with an unknown option or --help by its usage line, not a stack trace', async () => {
    const script = [process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts']] as const;
    const env = { PATH: process.env['PATH'] ?? '', AUTH_JWT_SECRET: SECRET };
    const refused = await run(script[0], [...script[1], '--profil', 'pro'], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toMatch(/^mint-token: Unknown option '--profil'.*\nusage: npm run -s token -- --profile/s);
    const help = await run(script[0], [...script[1], '--help'], { env });
    expect(help.stdout).toMatch(/^usage: npm run -s token/);
  });

  it('never writes the secret, a token or an API key to its logs', async () => {
    const token = await good();
    await quote(gateway.url, bearer(token));
    await quote(gateway.url, bearer(await good({ expiresIn: -60 })));
    const logs = JSON.stringify(gateway.logs);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(token.split('.')[2]);
    expect(logs).not.toContain(API_KEY);
  });
});

describe('AUTH_REQUIRED=true with RS256/ES256 keys from a JWKS URL', () => {
  let gateway: SpawnedGateway;
  let jwks: JwksServer;
  let rsa: KeyPair;
  let ec: KeyPair;
  beforeAll(async () => {
    [rsa, ec] = await Promise.all([keyPair('RS256', 'rsa-e2e'), keyPair('ES256', 'ec-e2e')]);
    jwks = await serveJwks([rsa.jwk, ec.jwk]);
    gateway = await spawnGateway({ AUTH_REQUIRED: 'true', AUTH_JWKS: jwks.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await jwks?.close();
  });

  it('refuses a request without credentials with 401 and a bare Bearer challenge', async () => {
    const response = await quote(gateway.url);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'missing' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="marketgraph"');
  });

  it('answers RS256 and ES256 tokens signed by keys of the set, and refuses HS256 ones', async () => {
    for (const pair of [rsa, ec]) {
      const response = await quote(gateway.url, bearer(await signWith(pair)));
      expect(response.status).toBe(200);
      expect(response.data?.quote?.symbol).toBe('AAPL');
    }
    const hs = await quote(gateway.url, bearer(await hs256()));
    expect(hs.status).toBe(401);
  });
});

describe('start-up with bad auth settings', () => {
  const startFails = async (env: Record<string, string>) => {
    const error = await spawnGateway(env).then(
      async (gateway) => {
        await gateway.stop();
        throw new Error('the gateway started');
      },
      (failure: Error) => failure,
    );
    return error.message;
  };

  it('exits 2 naming the setting, without echoing a secret', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mg-auth-'));
    await writeFile(join(dir, 'jwks.json'), '[]');
    const [short, jwksFile, keyProfile, required] = await Promise.all([
      startFails({ AUTH_JWT_SECRET: 'too-short-test-secret' }),
      startFails({ AUTH_JWKS: join(dir, 'jwks.json') }),
      startFails({ AUTH_API_KEYS: `${hashApiKey('k')}:acme:platinum` }),
      startFails({ AUTH_REQUIRED: 'true' }),
    ]);
    expect(short).toMatch(/exited with 2/);
    expect(short).toMatch(/Invalid AUTH_JWT_SECRET: use at least 32 characters/);
    expect(short).not.toContain('too-short-test-secret');
    expect(jwksFile).toMatch(/exited with 2.*Invalid AUTH_JWKS: .* is not a JWK set/s);
    expect(keyProfile).toMatch(/exited with 2.*Invalid AUTH_API_KEYS: consumer "acme" has profile "platinum"/s);
    expect(required).toMatch(/exited with 2.*Invalid AUTH_REQUIRED/s);
  });
});
