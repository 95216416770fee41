// What authentication costs on the serving path: one gateway, one cheap query that every profile
// may read, asked anonymously, with a bearer JWT (HS256, the same token each time, as a client
// reuses its token) and with an API key; ratios against the anonymous run of the same process.
// Then, in process: a signature check by jose against a remembered token (the authenticator's cache).
//
//   npm run build && node bench/auth-overhead.mjs
//   BENCH_SECONDS=5 BENCH_CONNECTIONS=50 node bench/auth-overhead.mjs
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jwtVerify, SignJWT } from 'jose';
import { createAuthenticator } from '../dist/auth/index.js';
import { loadConfig } from '../dist/config/index.js';
import { freePort } from './support/free-port.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const main = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
// Obviously fake credentials, made up for this run.
const secret = 'bench-only-secret-not-for-production-0123456789';
const apiKey = 'mg_bench_only_key';
const env = { AUTH_JWT_SECRET: secret, AUTH_API_KEYS: `${createHash('sha256').update(apiKey).digest('hex')}:bench:pro` };
const token = await new SignJWT({ rights_profile: 'pro' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bench').setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const body = JSON.stringify({ query: '{ company(symbol: "AAPL") { symbol name sector } }' });

const port = await freePort();
const child = spawn(process.execPath, [main], {
  // Per-consumer throttling out of the way: this measures who-is-asking, not how often they may.
  env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', THROTTLE_REQUESTS_PER_MIN: 'public=100000000,pro=100000000', ...env },
  stdio: ['ignore', 'ignore', 'inherit'],
});
child.once('exit', (code) => code && process.exit(1));
process.once('exit', () => child.kill('SIGTERM'));
for (;;) {
  if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const scenarios = {
  anonymous: {},
  'bearer JWT': { authorization: `Bearer ${token}` },
  'API key': { 'x-api-key': apiKey },
};
for (const [name, headers] of Object.entries(scenarios)) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  if (response.status !== 200 || !text.includes('"name"')) throw new Error(`${name}: unexpected answer ${response.status} ${text}`);
}

const run = async (headers) => {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', ...headers }, body }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
};

// Warm up, then anonymous first and last so drift shows.
await run({});
const rates = {};
for (const [name, headers] of Object.entries(scenarios)) rates[name] = await run(headers);
rates['anonymous (again)'] = await run({});
child.kill('SIGTERM');

const baseline = (rates.anonymous + rates['anonymous (again)']) / 2;
console.log(`\nHTTP, ${connections} connections, ${seconds} s each (req/s, ratio to anonymous):`);
for (const [name, rate] of Object.entries(rates)) console.log(`  ${name.padEnd(18)} ${Math.round(rate).toString().padStart(7)}  ${(rate / baseline).toFixed(3)}`);

// In process: what the token cache saves per request.
const auth = await createAuthenticator(loadConfig(env).auth);
const key = new TextEncoder().encode(secret);
const time = async (label, iterations, fn) => {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  const us = ((performance.now() - started) * 1000) / iterations;
  console.log(`  ${label.padEnd(40)} ${us.toFixed(2)} µs`);
  return us;
};
console.log('\nIn process, per call:');
await time('jose jwtVerify (HS256), no cache', 20_000, () => jwtVerify(token, key, { algorithms: ['HS256'] }));
await time('authenticator, remembered token', 20_000, () => auth.fromHeaders({ authorization: `Bearer ${token}` }));
await time('authenticator, API key (SHA-256)', 20_000, () => auth.fromHeaders({ 'x-api-key': apiKey }));
await time('authenticator, no credentials', 20_000, () => auth.fromHeaders({}));
