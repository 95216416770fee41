// A closed-loop load generator: `connections` clients each send the next request as soon as the
// previous one is answered, over kept-alive connections (undici Pool). Every bench of a pair runs
// through this same loop, so their ratio compares gateways, not clients.
import { Pool } from 'undici';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadPlan {
  /** The gateway's /graphql URL. */
  readonly url: string;
  readonly connections: number;
  /** Body of request number `index`; answer `undefined` when there are no more. */
  readonly body: (index: number) => string | undefined;
  /** Stop after this long even if bodies remain. */
  readonly durationMs: number;
  /** A response counts as an error unless this holds (default: HTTP 200 without `"errors"`). */
  readonly ok?: (status: number, text: string) => boolean;
}

const defaultOk = (status: number, text: string): boolean => status === 200 && !text.includes('"errors"');

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const target = new URL(plan.url);
  const pool = new Pool(target.origin, { connections: plan.connections, pipelining: 1 });
  const ok = plan.ok ?? defaultOk;
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const stopAt = started + plan.durationMs;

  const client = async (): Promise<void> => {
    for (;;) {
      if (performance.now() >= stopAt) return;
      const body = plan.body(next++);
      if (body === undefined) return;
      const sent = performance.now();
      try {
        const response = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.body.text();
        if (!ok(response.statusCode, text)) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, client));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds: round(seconds, 2),
    reqPerSec: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 0.5), 2),
    p99Ms: round(percentile(latencies, 0.99), 2),
  };
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2, 2);
}
