import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { fixture, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { postQuery } from '../support/graphql-client.js';

/**
 * The status console in a real browser: Debian's Chromium (/usr/bin/chromium, which .ci/run
 * installs) driven by playwright-core, headless, against a spawned gateway on FMP's fake upstream.
 * The page renders with no other origin, shows a breaker opening within a second of it opening,
 * replays dead letters with its button, and refuses a caller without PROVIDER_STATUS. Screenshots
 * go to test-results/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'mg_test_only_status_admin';
const PUBLIC_KEY = 'mg_test_only_status_public';
const SHOTS = 'test-results';

let upstream: FakeUpstream;
let gateway: SpawnedGateway;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium), as .ci/run does`);
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startFakeUpstream();
  upstream.on({ path: '/stable/quote' }, (request) => ({ json: [{ ...(fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>)[0], symbol: request.query['symbol'] }] }));
  gateway = await spawnGateway({
    PROVIDERS: 'fmp',
    FMP_API_KEY: 'test-key-0001',
    FMP_BASE_URL: upstream.url,
    AUTH_API_KEYS: `${hashApiKey(ADMIN_KEY)}:ops:admin,${hashApiKey(PUBLIC_KEY)}:someone:public`,
    RETRY_MAX: '0',
    BREAKER_THRESHOLD: '3',
    CACHE_TTL_QUOTES: '1',
    DLQ_RETRY_DELAYS_MS: '20,20',
    RESPONSE_CACHE: 'false',
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await upstream?.close();
});

async function openConsole(key: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(gateway.origin)) foreign.push(request.url());
  });
  await page.goto(`${gateway.origin}/status`);
  await page.fill('#credential', key);
  await page.click('#connect');
  (page as Page & { foreign?: string[] }).foreign = foreign;
  return page;
}

const asAdmin = { 'x-api-key': ADMIN_KEY };
const breakerOpen = async (): Promise<boolean> => /^circuit_breaker_state\{provider="fmp"\} 1$/m.test(await (await fetch(`${gateway.origin}/metrics`)).text());

describe('the status console', () => {
  it('renders live with nothing from another host, shows a breaker opening within a second, replays dead letters', async () => {
    // A quote cached (1 s) while FMP answers, so that a failing FMP later serves it stale and parks its refresh.
    expect((await postQuery(gateway.url, '{ quote(symbol: "AAPL") { price } }', undefined, asAdmin)).errors).toBeUndefined();
    const page = await openConsole(ADMIN_KEY);
    await page.waitForSelector('#state[data-state="live"]');
    await page.waitForSelector('tr[data-provider="fmp"] td.breaker[data-state="CLOSED"]');
    await page.screenshot({ path: `${SHOTS}/status-console-live.png`, fullPage: true });

    upstream.on({ path: '/stable/quote' }, { fault: 'html', status: 503 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Stale AAPL (its refresh fails and is parked), then failures until the breaker opens.
    await postQuery(gateway.url, '{ quote(symbol: "AAPL") { price } }', undefined, asAdmin);
    for (const symbol of ['MSFT', 'NVDA', 'AMZN', 'META']) await postQuery(gateway.url, `{ quote(symbol: "${symbol}") { price } }`, undefined, asAdmin);
    while (!(await breakerOpen())) await new Promise((resolve) => setTimeout(resolve, 10));
    const openedAt = performance.now();
    await page.waitForSelector('tr[data-provider="fmp"] td.breaker[data-state="OPEN"]', { timeout: 1_000 });
    const shownAfterMs = performance.now() - openedAt;
    expect(shownAfterMs).toBeLessThan(1_000);
    await page.waitForSelector('tr[data-provider="fmp"] button[data-replay="fmp"]:not([disabled])', { timeout: 5_000 });
    await page.screenshot({ path: `${SHOTS}/status-console-breaker-open.png`, fullPage: true });
    expect(await page.textContent('#history')).toContain('OPEN');

    upstream.on({ path: '/stable/quote' }, (request) => ({ json: [{ ...(fixture('fmp/stable/quote-aapl.json') as Array<Record<string, unknown>>)[0], symbol: request.query['symbol'] }] }));
    await fetch(`${gateway.url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...asAdmin }, body: JSON.stringify({ query: 'mutation { resetCircuitBreaker(provider: FMP) { id } }' }) });
    await page.click('button[data-replay="fmp"]');
    // A locator, not a function: the page's CSP allows no eval, and Playwright's string predicates need it.
    await page.locator('#replay-result', { hasText: 'Replayed 1 dead letter(s) of fmp.' }).waitFor();
    await page.waitForSelector('tr[data-provider="fmp"] button[data-replay="fmp"][disabled]');
    await page.screenshot({ path: `${SHOTS}/status-console-replayed.png`, fullPage: true });
    expect(await page.textContent('#audit')).toContain('ADMIN_ACTION');
    expect((page as Page & { foreign?: string[] }).foreign).toEqual([]);
    await page.close();
  });

  it('refuses a caller without PROVIDER_STATUS, and says why', async () => {
    const page = await openConsole(PUBLIC_KEY);
    await page.waitForSelector('#state[data-state="refused"]');
    expect(await page.textContent('#error')).toContain('FORBIDDEN');
    expect(await page.textContent('#providers')).toBe('');
    await page.screenshot({ path: `${SHOTS}/status-console-refused.png` });
    await page.close();
  });

  it('answers the feed 401 for a bad credential and 403 without the right (the anonymous public too), over plain HTTP', async () => {
    expect((await fetch(`${gateway.origin}/status/events`, { headers: { 'x-api-key': 'mg_not_a_key' } })).status).toBe(401);
    expect((await fetch(`${gateway.origin}/status/events`)).status).toBe(403);
    const refused = await fetch(`${gateway.origin}/status/events`, { headers: { 'x-api-key': PUBLIC_KEY } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN', right: 'PROVIDER_STATUS' } }] });
    expect((await fetch(`${gateway.origin}/status`, { method: 'POST' })).status).toBe(405);
  });
});
