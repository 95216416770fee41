import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { upgradeStatus } from '../support/ws-upgrade.js';

/**
 * Issue 12, item 8: the same-origin check of CORS and of WebSocket upgrades compared Origin with
 * Host, and a DNS-rebinding page controls both: attacker.example, re-pointed at the gateway's
 * address after its page loaded, connects with Origin http://attacker.example and Host
 * attacker.example. With PUBLIC_ORIGIN set, the gateway's own origin is that setting alone.
 */

const PUBLIC = 'https://api.example.com';
let byHost: SpawnedGateway;
let configured: SpawnedGateway;

beforeAll(async () => {
  [byHost, configured] = await Promise.all([spawnGateway({ NODE_ENV: 'production' }), spawnGateway({ NODE_ENV: 'production', PUBLIC_ORIGIN: PUBLIC })]);
});
afterAll(async () => {
  await Promise.all([byHost?.stop(), configured?.stop()]);
});

/** What a rebinding page sends: its own origin, and its own host name in Host. */
function rebound(gateway: SpawnedGateway): { origin: string; host: string } {
  return { origin: `http://attacker.example:${gateway.port}`, host: `attacker.example:${gateway.port}` };
}

/** A preflight with the Host given (fetch would not send another Host). */
function preflight(gateway: SpawnedGateway, origin: string, host: string): Promise<{ status: number; allowOrigin: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(gateway.url, { method: 'OPTIONS', headers: { origin, host, 'access-control-request-method': 'POST' } }, (response) => {
      response.resume();
      const allowOrigin = response.headers['access-control-allow-origin'];
      resolve({ status: response.statusCode ?? 0, allowOrigin: typeof allowOrigin === 'string' ? allowOrigin : undefined });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('PUBLIC_ORIGIN', () => {
  it('unset: a page is same-origin when its Origin names the Host it sent, so a rebinding page passes', async () => {
    const { origin, host } = rebound(byHost);
    expect(await upgradeStatus(byHost.wsUrl, origin, { host })).toBe(101);
    expect((await preflight(byHost, origin, host)).status).toBe(204);
  });

  it('set: a rebinding page is refused, over WebSocket (403) and in a preflight', async () => {
    const { origin, host } = rebound(configured);
    expect(await upgradeStatus(configured.wsUrl, origin, { host })).toBe(403);
    expect(await preflight(configured, origin, host)).toEqual({ status: 403, allowOrigin: undefined });
  });

  it('set: a page of the public origin is allowed whatever Host a proxy in front sends', async () => {
    expect(await upgradeStatus(configured.wsUrl, PUBLIC, { host: `127.0.0.1:${configured.port}` })).toBe(101);
    expect(await preflight(configured, PUBLIC, 'internal-gateway:4000')).toEqual({ status: 204, allowOrigin: PUBLIC });
    // Clients that are not browsers send no Origin, and are not concerned.
    expect(await upgradeStatus(configured.wsUrl, '', { host: `127.0.0.1:${configured.port}` })).toBe(101);
  });

  it('is validated as an origin and kept as browsers write it', () => {
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://API.Example.com:443' }).server.publicOrigin).toBe('https://api.example.com');
    expect(loadConfig({ PUBLIC_ORIGIN: 'http://localhost:4000' }).server.publicOrigin).toBe('http://localhost:4000');
    expect(loadConfig({}).server.publicOrigin).toBeUndefined();
    for (const bad of ['api.example.com', 'https://api.example.com/graphql', 'https://api.example.com/', 'ftp://api.example.com', 'https://user@api.example.com']) {
      expect(() => loadConfig({ PUBLIC_ORIGIN: bad }), bad).toThrow(/PUBLIC_ORIGIN.*is not an origin like https:\/\/api\.example\.com/s);
    }
  });
});
