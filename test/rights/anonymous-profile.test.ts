import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { PriceHistoryDocument } from '../generated/graphql.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { execute } from '../support/graphql-client.js';

/**
 * Who callers without credentials are: `public`, except in open development mode (no credentials
 * configured, not production), where they get `admin` so `npm start` shows every field, and say so
 * at start-up; AUTH_ANONYMOUS_PROFILE overrides both.
 */

const anonymous = (env: Record<string, string>) => {
  const { auth } = loadConfig(env);
  return { profile: auth.anonymousProfile, openDevelopment: auth.openDevelopment };
};

describe('the anonymous profile', () => {
  it('is admin in open development mode, public as soon as credentials exist or in production', () => {
    expect(anonymous({})).toEqual({ profile: 'admin', openDevelopment: true });
    expect(anonymous({ NODE_ENV: 'test' })).toEqual({ profile: 'admin', openDevelopment: true });
    expect(anonymous({ NODE_ENV: 'production' })).toEqual({ profile: 'public', openDevelopment: false });
    expect(anonymous({ AUTH_API_KEYS: `${hashApiKey('k1')}:acme:pro` })).toEqual({ profile: 'public', openDevelopment: false });
    expect(anonymous({ AUTH_JWT_SECRET: 'x'.repeat(32) })).toEqual({ profile: 'public', openDevelopment: false });
  });

  it('is AUTH_ANONYMOUS_PROFILE when set, which must name a profile', () => {
    expect(anonymous({ AUTH_ANONYMOUS_PROFILE: 'basic' })).toEqual({ profile: 'basic', openDevelopment: false });
    expect(anonymous({ NODE_ENV: 'production', AUTH_ANONYMOUS_PROFILE: 'pro' })).toEqual({ profile: 'pro', openDevelopment: false });
    expect(() => loadConfig({ AUTH_ANONYMOUS_PROFILE: 'gold' })).toThrow(/AUTH_ANONYMOUS_PROFILE: "gold" is not one of public, basic, pro, enterprise, admin/);
    expect(() => loadConfig({ AUTH_ANONYMOUS_PROFILE: 'Not A Name' })).toThrow(/AUTH_ANONYMOUS_PROFILE/);
  });
});

describe('a gateway started without credentials', () => {
  const gateways: SpawnedGateway[] = [];
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  });

  it('lets anonymous callers use every field in development, and warns at start-up; production does not', async () => {
    const [open, production] = await Promise.all([spawnGateway({}), spawnGateway({ NODE_ENV: 'production' })]);
    gateways.push(open, production);
    expect(open.logs.some((line) => line['level'] === 40 && String(line['msg']).includes('open development mode'))).toBe(true);
    expect(production.logs.some((line) => String(line['msg']).includes('open development mode'))).toBe(false);

    const allowed = await execute(open.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2026-01-05', to: '2026-01-09' });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.priceHistory?.length).toBe(5);

    const refused = await execute(production.url, PriceHistoryDocument, { symbol: 'AAPL', from: '2026-01-05', to: '2026-01-09' });
    expect(refused.data?.priceHistory).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', right: 'HISTORY', profile: 'public' });
  });
});
