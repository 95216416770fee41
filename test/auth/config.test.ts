import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';

const refused = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
};

describe('AUTH_* settings', () => {
  it('reads issuers, audiences, API keys and profile overrides', () => {
    const { auth } = loadConfig({
      AUTH_ISSUER: 'https://a.test, https://b.test',
      AUTH_AUDIENCE: 'marketgraph',
      AUTH_API_KEYS: `${hashApiKey('k1')}:acme:pro , ${hashApiKey('k2').toUpperCase()}:ops@corp:partner`,
      AUTH_PROFILES: '{"basic":["QUOTES_DELAYED","HISTORY","HISTORY"],"partner":{"rights":["QUOTES_REALTIME"]}}',
      AUTH_JWKS: 'https://idp.example.com/.well-known/jwks.json',
    });
    expect(auth.jwt).toMatchObject({ issuers: ['https://a.test', 'https://b.test'], audiences: ['marketgraph'], jwks: { kind: 'url' }, clockToleranceS: 5 });
    expect(auth.apiKeys.map(({ consumerId, profile, sha256 }) => [consumerId, profile, sha256.toString('hex')])).toEqual([
      ['acme', 'pro', hashApiKey('k1')],
      ['ops@corp', 'partner', hashApiKey('k2')],
    ]);
    expect(auth.profiles['basic']?.rights).toEqual(['QUOTES_DELAYED', 'HISTORY']);
    expect(auth.profiles['partner']?.rights).toEqual(['QUOTES_REALTIME']);
    expect(auth.profiles['pro']?.rights).toContain('STREAMING');
    expect(loadConfig({ AUTH_JWKS: './keys/jwks.json' }).auth.jwt.jwks).toEqual({ kind: 'file', path: './keys/jwks.json' });
    expect(loadConfig({ AUTH_JWKS: 'http://127.0.0.1:8080/jwks' }).auth.jwt.jwks).toEqual({ kind: 'url', url: 'http://127.0.0.1:8080/jwks' });
  });

  it.each([
    [{ AUTH_JWKS: 'http://idp.example.com/jwks' }, /^Invalid AUTH_JWKS \(got "http:\/\/idp.example.com\/jwks"\): expected an https URL/],
    [{ AUTH_API_KEYS: 'abc:acme:pro' }, /^Invalid AUTH_API_KEYS: entry 1: the hash is not 64 hex digits/],
    [{ AUTH_API_KEYS: `${hashApiKey('a')}:acme` }, /^Invalid AUTH_API_KEYS: entry 1: not three fields/],
    [{ AUTH_API_KEYS: `${hashApiKey('a')}:acme:pro,${hashApiKey('a')}:other:pro` }, /listed twice/],
    [{ AUTH_API_KEYS: `${hashApiKey('a')}:ac me:pro` }, /consumer id/],
    [{ AUTH_PROFILES: '{basic:[]}' }, /^Invalid AUTH_PROFILES .*: expected JSON/],
    [{ AUTH_PROFILES: '{"basic":["HISTORY","TIME_TRAVEL"]}' }, /^Invalid AUTH_PROFILES .*: profile "basic": "TIME_TRAVEL" is not a right \(rights: QUOTES_DELAYED/],
    [{ AUTH_PROFILES: '{"Gold":["HISTORY"]}' }, /^Invalid AUTH_PROFILES .*: profile "Gold": names are lower-case/],
    [{ AUTH_PROFILES: '{"basic":{"rights":["HISTORY"],"extra":1}}' }, /profile "basic": expected a list of rights/],
    [{ AUTH_CLOCK_TOLERANCE_S: '3600' }, /^Invalid AUTH_CLOCK_TOLERANCE_S/],
  ])('refuses %o with one line naming the setting', (env, message) => {
    expect(refused(env)).toMatch(message);
  });

  it('never echoes the JWT secret or API key entries in an error', () => {
    const secret = 'short-test-secret';
    const message = refused({ AUTH_JWT_SECRET: secret });
    expect(message).toBe('Invalid AUTH_JWT_SECRET: use at least 32 characters');
    expect(refused({ AUTH_API_KEYS: `${hashApiKey('a')}:acme` })).not.toContain(hashApiKey('a'));
  });
});
