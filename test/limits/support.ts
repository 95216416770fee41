import { createHash } from 'node:crypto';

/** What a client sees of one GraphQL POST. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<string | number>; readonly extensions?: Record<string, unknown> }>;
}

/** POSTs a raw document (these tests send documents built to break limits, not codegen ones). */
export async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<Answer, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}

/** The AUTH_API_KEYS entry of a key: the gateway holds only its SHA-256. */
export function apiKeyEntry(key: string, consumer: string, profile: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}:${consumer}:${profile}`;
}

/** Every provider call the gateway reports on /metrics (provider_requests_total, all labels). */
export async function providerCalls(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('provider_requests_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** `n` symbols no test has asked before (the simulated market quotes any well-formed ticker). */
export function freshSymbols(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, index) => `${tag}${index}`.toUpperCase().slice(0, 10));
}
