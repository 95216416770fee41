import { createHash } from 'node:crypto';
import { buildSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { hashApiKey } from '../../src/auth/index.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { FakePage } from '../support/fake-page.js';

/**
 * What a person with a browser gets: in development Apollo Sandbox (from Apollo's CDN) with a way
 * out to the built-in console when offline; the console itself (no external assets, the schema for
 * whoever may introspect, queries POSTed to /graphql); in production an explanatory page on
 * GET /graphql instead of a CSRF error, and a how-to 400 for a program's GET without a query.
 */

const CHROME_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const ADMIN_KEY = 'mg_test_only_pages_admin';
const BASIC_KEY = 'mg_test_only_pages_basic';

let development: SpawnedGateway;
let production: SpawnedGateway;
let productionConsole: SpawnedGateway;
beforeAll(async () => {
  const started = await Promise.allSettled([
    spawnGateway({ NODE_ENV: 'development' }),
    spawnGateway({ NODE_ENV: 'production' }),
    spawnGateway({ NODE_ENV: 'production', SANDBOX: 'true', AUTH_API_KEYS: `${hashApiKey(ADMIN_KEY)}:ops:admin,${hashApiKey(BASIC_KEY)}:smallco:basic` }),
  ]);
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw failure.reason;
  }
  [development, production, productionConsole] = started.map((result) => (result as PromiseFulfilledResult<SpawnedGateway>).value) as [SpawnedGateway, SpawnedGateway, SpawnedGateway];
});
afterAll(async () => {
  await Promise.all([development?.stop(), production?.stop(), productionConsole?.stop()]);
});

interface Page {
  readonly status: number;
  readonly type: string;
  readonly policy: string;
  readonly html: string;
}

async function browserGet(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(url, { headers: { accept: CHROME_ACCEPT, ...headers } });
  return { status: response.status, type: response.headers.get('content-type') ?? '', policy: response.headers.get('content-security-policy') ?? '', html: await response.text() };
}

/** Every attribute that makes a browser fetch or navigate to another host (absolute or protocol-relative URL). */
function externalReferences(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]+)/gi)].map((match) => match[1] ?? '');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, tag: 'script' | 'style') => [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] ?? '');
const unescapeHtml = (text: string) => text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
const sdlOf = (html: string) => unescapeHtml(/<pre id="schema-sdl">([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? '');

async function nonBrowserGet(url: string): Promise<{ status: number; type: string; body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as never };
}

describe('development: Apollo Sandbox with an offline way out', () => {
  it('links its "cannot be loaded" notice to the console, and redirects there when the CDN script did not load', async () => {
    const { status, html } = await browserGet(development.url);
    expect(status).toBe(200);
    expect(html).toContain('embeddable-sandbox');
    expect(html).toMatch(/<div class="fallback">[\s\S]*cannot be loaded[\s\S]*<a href="\/console#sandbox-unavailable">[\s\S]*?<\/div>/);
    // The check runs between the CDN script and Apollo's own use of it, with the page's nonce.
    const cdn = /<script nonce="([^"]+)" src="https:\/\/embeddable-sandbox[^"]*"><\/script>\s*<script nonce="([^"]+)">if \(!window\.EmbeddedSandbox\) window\.location\.replace\("\/console#sandbox-unavailable"\);<\/script>/.exec(html);
    expect(cdn?.[1]).toBeDefined();
    expect(cdn?.[2]).toBe(cdn?.[1]);
    expect(html.indexOf('if (!window.EmbeddedSandbox)')).toBeLessThan(html.indexOf('new window.EmbeddedSandbox'));
  });

  it('answers a program\'s GET without a query with a 400 saying how to send one', async () => {
    const { status, type, body } = await nonBrowserGet(development.url);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/json/);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/needs an operation: POST a JSON body/);
    // A persisted query's hash alone (APQ over GET) is an operation: Apollo answers it.
    const hashOnly = new URL(development.url);
    hashOnly.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    const apq = (await (await fetch(hashOnly, { headers: { 'apollo-require-preflight': 'true' } })).json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(apq.errors?.[0]?.extensions?.['code']).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('the console at /console', () => {
  it('is one self-contained page: nothing from another host, its inline script and style allowed by hash', async () => {
    const page = await browserGet(`${development.origin}/console`);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(externalReferences(page.html)).toEqual([]);
    expect(page.policy).not.toMatch(/https?:/);
    expect(page.policy).toMatch(/default-src 'none'/);
    const [script = ''] = inline(page.html, 'script');
    const [style = ''] = inline(page.html, 'style');
    expect(page.html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*stylesheet/i);
    expect(page.policy).toContain(`script-src ${sha256(script)}`);
    expect(page.policy).toContain(`style-src ${sha256(style)}`);
    expect(page.html).toContain('data-endpoint="/graphql"');
  });

  it('shows the schema SDL in development, and its examples are valid against it', async () => {
    const { html } = await browserGet(`${development.origin}/console`);
    const sdl = sdlOf(html);
    expect(sdl).toContain('quote(symbol: String!): Quote @requiresRight(right: QUOTES_DELAYED)');
    expect(sdl).toContain('type Subscription');
    const schema = buildSchema(sdl);
    const examples = new FakePage(html, development.origin, WebSocket).run().examples();
    expect(examples.map((example) => example.title)).toEqual(['quote', 'quotes', 'priceHistory', 'company', 'subscription']);
    for (const example of examples) expect(validate(schema, parse(example.query)), example.title).toEqual([]);
  });

  it('runs a query from the page: POST /graphql, the JSON answer in the result pane', async () => {
    const { html } = await browserGet(`${development.origin}/console`);
    const page = new FakePage(html, development.origin, WebSocket).run();
    expect(page.element('query').value).toContain('quote(symbol: $symbol)');
    page.element('run').click();
    await page.waitForStatus(/^HTTP 200/);
    expect(JSON.parse(page.element('result').textContent)).toMatchObject({ data: { quote: { symbol: 'AAPL', source: 'simulated' } } });
    expect(page.requests).toEqual([{ url: `${development.origin}/graphql`, method: 'POST' }]);

    // The credentials field goes out as a header: an unknown key is refused, and says why.
    page.element('header-name').value = 'X-API-Key';
    page.element('header-value').value = 'mg_test_only_not_configured';
    page.element('run').click();
    await page.waitForStatus(/^HTTP 401/);
    expect(page.element('result').textContent).toMatch(/AUTH_API_KEYS/);
  });

  it('runs a subscription over graphql-ws from the page until stopped', async () => {
    const { html } = await browserGet(`${development.origin}/console`);
    const page = new FakePage(html, development.origin, WebSocket).run();
    page.element('examples').children.find((button) => button.textContent === 'subscription')?.click();
    page.element('run').click();
    await page.waitForStatus(/event\(s\)/);
    expect(page.element('result').textContent).toContain('"symbol": "AAPL"');
    expect(page.element('run').textContent).toBe('Stop');
    page.element('run').click();
    expect(page.element('run').textContent).toBe('Run');
  });
});

describe('production (NODE_ENV=production)', () => {
  it('answers a browser on GET /graphql with a page saying what the endpoint is and how to call it, not a CSRF error', async () => {
    const { status, type, html, policy } = await browserGet(production.url);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(html).toContain('GraphQL endpoint');
    expect(html).toContain(`curl -X POST ${production.url}`);
    expect(html).toContain('apollo-require-preflight');
    expect(html).not.toMatch(/Cross-Site Request Forgery|apollographql/);
    expect(html).not.toContain('href="/console"');
    expect(externalReferences(html)).toEqual([]);
    expect(policy).toMatch(/default-src 'none'/);
  });

  it('answers a program\'s GET without a query with a 400 JSON error that has a code, and a GET with one as before', async () => {
    for (const accept of [undefined, 'application/json', '*/*']) {
      const response = await fetch(production.url, accept ? { headers: { accept } } : {});
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(response.status).toBe(400);
      expect(body.errors[0]?.extensions['code']).toBe('BAD_REQUEST');
      expect(body.errors[0]?.message).toMatch(/needs an operation/);
      expect(body.errors[0]?.message).not.toMatch(/Cross-Site Request Forgery/);
    }
    // Only a GET that asks for nothing: GraphQL over GET and its CSRF rule are unchanged.
    const url = `${production.url}?query=${encodeURIComponent('{ quote(symbol: "AAPL") { symbol } }')}`;
    const allowed = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ data: { quote: { symbol: 'AAPL' } } });
    const refused = await fetch(url);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('serves the console only with SANDBOX=true, linked from the endpoint page; the SDL only to profiles that may introspect', async () => {
    expect((await fetch(`${production.origin}/console`)).status).toBe(404);
    const endpoint = await browserGet(productionConsole.url);
    expect(endpoint.html).toContain('href="/console"');
    expect(endpoint.html).not.toContain('apollographql');

    const anonymous = await browserGet(`${productionConsole.origin}/console`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.html).not.toContain('id="schema-sdl"');
    expect(anonymous.html).not.toContain('type Query');
    expect(anonymous.html).toMatch(/The schema is not shown: introspection is off for your profile/);
    expect((await browserGet(`${productionConsole.origin}/console`, { 'x-api-key': BASIC_KEY })).html).not.toContain('type Query');

    const admin = await browserGet(`${productionConsole.origin}/console`, { 'x-api-key': ADMIN_KEY });
    expect(sdlOf(admin.html)).toContain('type Query');
  });
});
