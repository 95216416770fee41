import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/index.js';
import { hs256, OTHER_SECRET, SECRET } from '../auth/support.js';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';
import { ANSWER_BOUND_MS, HEALTH_BOUND_MS, HealthProbe, httpProblem, subscribeOnce, wsProblem } from './checks.js';
import { documents, garbage, render, validDocuments } from './documents.js';
import { headers, operationName, send, variables, type Credentials, type FuzzRequest } from './requests.js';

/**
 * Issue 12, "a fuzzing suite": property-based attacks on a spawned gateway in production mode with
 * JWT and API keys configured, then again with RIGHTS_DENIAL=request. Whatever the document,
 * variables, operationName, headers or transport, every answer is below 500, carries
 * `extensions.code` on every error, comes within ANSWER_BOUND_MS, /healthz stays under
 * HEALTH_BOUND_MS meanwhile, and the gateway logs nothing at error level.
 *
 * Knobs: FUZZ_RUNS (HTTP runs per gateway, default 250; graphql-ws gets a fifth), FUZZ_SEED (replay a
 * run: failures print theirs), FUZZ_TIME_LIMIT_MS (per property, default 12 s, so four properties and
 * two start-ups stay near a minute: on a loaded machine a property stops early rather than stretch
 * CI, and says how many runs it made).
 */

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 250);
const WS_RUNS = Math.max(1, Math.round(RUNS / 5));
const TIME_LIMIT_MS = Number(process.env['FUZZ_TIME_LIMIT_MS'] ?? 12_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

const API_KEYS = { pro: 'mg_test_only_fuzz_pro_key', basic: 'mg_test_only_fuzz_basic_key', admin: 'mg_test_only_fuzz_admin_key' };
const PROFILES = 'public,basic,pro,enterprise,admin';
const everyProfile = (budget: number): string => PROFILES.split(',').map((name) => `${name}=${budget}`).join(',');

/** A token with `alg: none`: the classic forgery, refused like any bad signature. */
function unsigned(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', rights_profile: 'admin', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
}

async function credentials(): Promise<Credentials> {
  return {
    validTokens: [await hs256(), await hs256({ profile: 'basic' }), await hs256({ profile: 'admin', sub: 'ops' }), await hs256({ profile: 'public' })],
    badTokens: [await hs256({ expiresIn: -60 }), await hs256({ secret: OTHER_SECRET }), await hs256({ profile: 'nope' }), unsigned()],
    apiKeys: [API_KEYS.pro, API_KEYS.basic, API_KEYS.admin, 'mg_unknown_key'],
  };
}

function httpRequests(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const documentText = documents().map(render);
  return fc.record({
    method: fc.constantFrom<FuzzRequest['method']>('POST', 'POST', 'GET'),
    query: fc.oneof({ weight: 5, arbitrary: documentText }, { weight: 3, arbitrary: validDocuments }, { weight: 2, arbitrary: garbage(documentText) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    variables,
    operationName,
    headers: headers(creds),
  });
}

interface Figures {
  runs: number;
  worstMs: number;
}

/** Runs one property with a seed this file prints, and the time limit that bounds CI. */
async function assertProperty<T>(label: string, arbitrary: fc.Arbitrary<T>, runs: number, check: (value: T) => Promise<number>): Promise<Figures> {
  const figures: Figures = { runs: 0, worstMs: 0 };
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const ms = await check(value);
      figures.runs++;
      figures.worstMs = Math.max(figures.worstMs, ms);
    }),
    { numRuns: runs, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
  );
  console.log(`fuzz ${label}: ${figures.runs} runs (asked ${runs}), seed ${SEED}, worst answer ${Math.round(figures.worstMs)} ms`);
  return figures;
}

function fuzzSuite(label: string, env: Record<string, string>): void {
  describe(label, () => {
    let gateway: SpawnedGateway;
    let creds: Credentials;
    let probe: HealthProbe;

    beforeAll(async () => {
      creds = await credentials();
      gateway = await spawnGateway({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: SECRET,
        AUTH_API_KEYS: [`${hashApiKey(API_KEYS.pro)}:acme:pro`, `${hashApiKey(API_KEYS.basic)}:small:basic`, `${hashApiKey(API_KEYS.admin)}:ops:admin`].join(','),
        // Budgets out of the way: with the defaults most runs would be a (correct) 429 and test nothing else.
        THROTTLE_REQUESTS_PER_MIN: everyProfile(1_000_000),
        THROTTLE_PROVIDER_CALLS_PER_MIN: everyProfile(1_000_000),
        ...env,
      });
      // Warm the gateway's lazy paths first, so the probe's worst is the fuzzer's doing, not start-up's.
      await fetch(`${gateway.origin}/healthz`);
      await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ quote(symbol: \\"AAPL\\") { price } }"}' });
      probe = new HealthProbe(gateway.origin);
    });
    afterAll(async () => {
      await probe?.stop();
      // SIGKILL: a gateway stuck in a pathological walk would never get to a SIGTERM.
      await gateway?.stop('SIGKILL');
    });

    it('answers every generated HTTP request below 500, with codes, within the bound', async () => {
      // Which answers the runs reached, printed so a generator that only ever reaches 401 shows.
      const tally = new Map<string, number>();
      await assertProperty(`${label} HTTP`, httpRequests(creds), RUNS, async (fuzz) => {
        const answer = await send(gateway.url, fuzz, ANSWER_BOUND_MS * 4);
        const problem = httpProblem(answer);
        if (problem) throw new Error(problem);
        const outcome = `${answer.status} ${/"code":"([A-Z_]+)"/.exec(answer.body)?.[1] ?? (/"data":\{/.test(answer.body) ? 'data' : '-')}`;
        tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
        return answer.ms;
      });
      console.log(`fuzz ${label} HTTP answers: ${[...tally].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${outcome} ×${count}`).join(', ')}`);
    }, 120_000);

    it('answers every generated graphql-ws operation with a result, coded errors or a 44xx close', async () => {
      const operations = fc.record({
        query: fc.oneof({ weight: 4, arbitrary: documents(['subscription', 'subscription', 'query'], 6).map(render) }, { weight: 1, arbitrary: garbage(documents(['subscription'], 3).map(render)) }),
        variables: fc.option(fc.dictionary(fc.constantFrom('a', 'b', 's', 'n', '__proto__'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }), { nil: undefined }),
        operationName,
        connectionParams: fc.record({ authorization: fc.constantFrom(...creds.validTokens, ...creds.badTokens).map((token) => `Bearer ${token}`), 'x-api-key': fc.constantFrom(...creds.apiKeys, 42) }, { requiredKeys: [] }),
      });
      await assertProperty(`${label} graphql-ws`, operations, WS_RUNS, async ({ connectionParams, ...payload }) => {
        const outcome = await subscribeOnce(gateway.wsUrl, connectionParams, { query: payload.query, ...(payload.variables ? { variables: payload.variables as Record<string, unknown> } : {}), ...(payload.operationName === undefined ? {} : { operationName: payload.operationName }) });
        const problem = wsProblem(outcome);
        if (problem) throw new Error(problem);
        return outcome.ms;
      });
    }, 120_000);

    it('kept /healthz fast meanwhile, and logged nothing at error level', async () => {
      await probe.stop();
      console.log(`fuzz ${label}: /healthz worst ${Math.round(probe.worstMs)} ms over ${probe.samples} probes`);
      expect(probe.failure).toBeUndefined();
      expect(probe.worstMs).toBeLessThan(HEALTH_BOUND_MS);
      // level 50 = error, 60 = fatal: a client's input, however bad, is never the gateway's error.
      const errors = gateway.logs.filter((line) => Number(line['level']) >= 50);
      expect(errors.map((line) => JSON.stringify(line).slice(0, 1_000))).toEqual([]);
    });
  });
}

fuzzSuite('production, JWT and API keys', {});
fuzzSuite('production, RIGHTS_DENIAL=request', { RIGHTS_DENIAL: 'request' });
