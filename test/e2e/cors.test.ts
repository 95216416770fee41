import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { upgradeStatus } from '../support/ws-upgrade.js';

/**
 * Browser frontends on other origins (a dev server on localhost, Apollo Studio, the app's own
 * domain) call the gateway through CORS: preflights, the headers of answers, and the Origin check
 * of WebSocket upgrades, which browsers leave to the server. Spawned gateways, real HTTP.
 */

let development: SpawnedGateway;
let production: SpawnedGateway;
let listed: SpawnedGateway;
let behindProxy: SpawnedGateway;

beforeAll(async () => {
  [development, production, listed, behindProxy] = await Promise.all([
    spawnGateway({}),
    spawnGateway({ NODE_ENV: 'production' }),
    spawnGateway({ CORS_ORIGINS: 'https://*.example.com, https://partner.test:8443' }),
    spawnGateway({ NODE_ENV: 'production', TRUST_PROXY_HOPS: '1' }),
  ]);
});
afterAll(async () => {
  await Promise.all([development?.stop(), production?.stop(), listed?.stop(), behindProxy?.stop()]);
});

function preflight(gateway: SpawnedGateway, origin: string, requestHeaders = 'content-type,authorization'): Promise<Response> {
  return fetch(gateway.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });
}

function postFrom(gateway: SpawnedGateway, origin: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(gateway.url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

describe('CORS in development (CORS_ORIGINS unset)', () => {
  it('lets a local dev server and Apollo Studio preflight, with the headers they asked for', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://studio.apollographql.com']) {
      const answer = await preflight(development, origin, 'content-type,x-api-key,apollo-require-preflight');
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(answer.headers.get('access-control-allow-headers')).toBe('content-type,x-api-key,apollo-require-preflight');
      expect(answer.headers.get('vary')).toMatch(/Origin/);
    }
  });

  it('answers an allowed origin readably, including a 401 and the headers a client backs off by', async () => {
    const answer = await postFrom(development, 'http://localhost:5173');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(answer.headers.get('access-control-expose-headers')).toContain('Retry-After');
    expect(answer.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
    const refused = await postFrom(development, 'http://localhost:5173', { authorization: 'Bearer not.a.jwt' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('refuses another site: its preflight is 403 FORBIDDEN naming the setting, its answers carry no grant', async () => {
    const answer = await preflight(development, 'https://evil.example');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const body = (await answer.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'origin' });
    expect(body.errors[0]?.message).toMatch(/CORS_ORIGINS/);
    expect((await postFrom(development, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('checks the Origin of WebSocket upgrades itself, since browsers do not', async () => {
    expect(await upgradeStatus(development.wsUrl, 'http://localhost:5173')).toBe(101);
    expect(await upgradeStatus(development.wsUrl, 'https://evil.example')).toBe(403);
  });
});

describe('CORS in production (CORS_ORIGINS unset)', () => {
  it('allows only pages of the gateway’s own origin', async () => {
    expect((await preflight(production, 'http://localhost:5173')).status).toBe(403);
    expect(await upgradeStatus(production.wsUrl, 'http://localhost:5173')).toBe(403);
    expect(await upgradeStatus(production.wsUrl, production.origin)).toBe(101);
    // Clients that are not browsers send no Origin and are not concerned.
    const noOrigin = await fetch(production.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(noOrigin.status).toBe(200);
  });

  it('knows its own origin behind a trusted proxy by X-Forwarded-Host, and only behind one', async () => {
    const fromProxy = { 'x-forwarded-host': 'app.example.com', 'x-forwarded-for': '203.0.113.9' };
    expect(await upgradeStatus(behindProxy.wsUrl, 'https://app.example.com', fromProxy)).toBe(101);
    expect(await upgradeStatus(behindProxy.wsUrl, 'https://evil.example', fromProxy)).toBe(403);
    expect(await upgradeStatus(production.wsUrl, 'https://app.example.com', fromProxy)).toBe(403);
  });
});

describe('CORS_ORIGINS', () => {
  it('allows the listed origins, subdomain and port patterns, and nothing near them', async () => {
    for (const origin of ['https://app.example.com', 'https://eu.app.example.com', 'https://partner.test:8443']) {
      expect((await preflight(listed, origin)).status, origin).toBe(204);
    }
    for (const origin of ['https://example.com', 'http://app.example.com', 'https://app.example.com.evil.test', 'https://partner.test', 'http://localhost:5173']) {
      expect((await preflight(listed, origin)).status, origin).toBe(403);
    }
  });
});
