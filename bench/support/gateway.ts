// A built gateway (dist/bundle/main.js) on a free loopback port, for benchmarks: production mode, quiet
// logs, and an anonymous consumer with the rights and budgets a load test needs, so that the bench
// measures the serving path rather than refusals. Run `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

/**
 * Anonymous callers get a profile of the bench's own, with the rights its queries need (real-time
 * quotes, companies) and no per-minute or per-operation budget: in production they would
 * otherwise be the public profile (delayed quotes, 600 operations a minute), and the bench would
 * measure refusals.
 */
const BENCH_CONSUMER = {
  AUTH_PROFILES: JSON.stringify({ bench: ['QUOTES_REALTIME', 'QUOTES_DELAYED', 'COMPANY'] }),
  AUTH_ANONYMOUS_PROFILE: 'bench',
  THROTTLE_REQUESTS_PER_MIN: '*=100000000',
  THROTTLE_PROVIDER_CALLS_PER_MIN: '*=100000000',
  LIMIT_COST_BUDGET: '*=100000000',
} as const;

export interface BenchGateway {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startGateway(env: Record<string, string>): Promise<BenchGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...BENCH_CONSUMER, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before ready`))));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await Promise.race([fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false), exited]);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('gateway not ready after 20 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  exited.catch(() => undefined);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export interface GraphQLAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>;
}

/** One POST of an operation; throws on a transport failure, not on GraphQL errors. */
export async function ask(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as GraphQLAnswer;
}
