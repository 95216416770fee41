import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { HttpAnswer } from './requests.js';

/**
 * What every answer must be, whatever was asked: below 500, and any error a client can act on
 * (`extensions.code`). The time bounds are generous on purpose: this 2-core machine is shared, so
 * they sit far above a normal answer (a few ms to tens of ms) and only catch pathologies such as
 * the 10 s fragment walk (with /healthz waiting 8.8 s). Runs under load from other test
 * files measured worst answers near 0.6 s and /healthz near 0.8 s, and a whole-suite run beside a
busy core /healthz at 1.56 s, hence these margins (still well short of the 8.8 s it catches).
 */

/** Longest acceptable answer to one fuzz request. */
export const ANSWER_BOUND_MS = 5_000;
/** Longest acceptable /healthz answer while the fuzzer runs. */
export const HEALTH_BOUND_MS = 4_000;

interface GraphQLErrorLike {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown };
}

/** The problems with a list of GraphQL errors: each needs a message and a string code. */
function errorProblems(errors: unknown): string[] {
  if (!Array.isArray(errors)) return ['`errors` is not a list'];
  if (errors.length === 0) return ['`errors` is empty'];
  return (errors as GraphQLErrorLike[]).flatMap((error, index) => (typeof error?.extensions?.code === 'string' && typeof error.message === 'string' ? [] : [`errors[${index}] has no extensions.code: ${JSON.stringify(error).slice(0, 300)}`]));
}

/** Why an HTTP answer breaks the properties, or undefined when it holds them. */
export function httpProblem(answer: HttpAnswer): string | undefined {
  const problems: string[] = [];
  if (answer.status >= 500 || answer.status < 200) problems.push(`status ${answer.status}`);
  if (answer.ms > ANSWER_BOUND_MS) problems.push(`answered in ${Math.round(answer.ms)} ms (bound ${ANSWER_BOUND_MS})`);
  if (/json/.test(answer.contentType)) {
    let body: { errors?: unknown } | undefined;
    try {
      body = JSON.parse(answer.body) as { errors?: unknown };
    } catch {
      problems.push('a JSON content-type on a body that is not JSON');
    }
    if (body && (body.errors !== undefined || answer.status >= 300)) problems.push(...errorProblems(body.errors));
  } else if (answer.status >= 300) {
    problems.push(`a ${answer.status} that is not JSON (${answer.contentType || 'no content-type'})`);
  }
  return problems.length > 0 ? `${problems.join('; ')}\nanswer: ${answer.status} ${answer.contentType} ${answer.body.slice(0, 500)}` : undefined;
}

/** Samples /healthz one request after another until stopped, keeping the worst time and any failure. */
export class HealthProbe {
  worstMs = 0;
  samples = 0;
  failure: string | undefined;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(origin: string) {
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        try {
          const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          if (response.status !== 200) this.failure ??= `/healthz answered ${response.status}`;
        } catch (error) {
          this.failure ??= `/healthz failed: ${String(error)}`;
        }
        this.worstMs = Math.max(this.worstMs, performance.now() - started);
        this.samples++;
        // One tick between probes, so the probe measures the gateway, not a busy loop of its own.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

export interface WsOutcome {
  readonly kind: 'next' | 'complete' | 'errors' | 'closed';
  readonly detail: string;
  /** The result (next) or the error list (errors) as received. */
  readonly payload?: unknown;
  readonly ms: number;
}

/**
 * One operation over graphql-ws on a fresh connection: the first thing the gateway answers (a result,
 * errors, completion, or the socket closed), then the client is disposed.
 */
export async function subscribeOnce(url: string, connectionParams: Record<string, unknown>, payload: { query: string; variables?: Record<string, unknown>; operationName?: string }): Promise<WsOutcome> {
  const started = performance.now();
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
  try {
    return await new Promise<WsOutcome>((resolve) => {
      const done = (kind: WsOutcome['kind'], detail: string, received?: unknown): void => resolve({ kind, detail, payload: received, ms: performance.now() - started });
      const timer = setTimeout(() => done('closed', 'no answer within the bound'), ANSWER_BOUND_MS * 2);
      client.subscribe(payload, {
        next: (result) => {
          clearTimeout(timer);
          done('next', JSON.stringify(result).slice(0, 2_000), result);
        },
        error: (error: unknown) => {
          clearTimeout(timer);
          if (Array.isArray(error)) done('errors', JSON.stringify(error).slice(0, 2_000), error);
          else if (error && typeof error === 'object' && 'code' in error) done('closed', JSON.stringify({ code: (error as { code: unknown }).code, reason: (error as { reason?: unknown }).reason }));
          else done('closed', `client error: ${String(error)}`);
        },
        complete: () => {
          clearTimeout(timer);
          done('complete', '');
        },
      });
    });
  } finally {
    await client.dispose();
  }
}

/** Why a graphql-ws outcome breaks the properties, or undefined when it holds them. */
export function wsProblem(outcome: WsOutcome): string | undefined {
  if (outcome.ms > ANSWER_BOUND_MS) return `answered in ${Math.round(outcome.ms)} ms (bound ${ANSWER_BOUND_MS}): ${outcome.kind} ${outcome.detail}`;
  if (outcome.kind === 'errors') {
    const problems = errorProblems(outcome.payload);
    return problems.length > 0 ? `${problems.join('; ')}: ${outcome.detail}` : undefined;
  }
  if (outcome.kind === 'next') {
    const errors = (outcome.payload as { errors?: unknown } | undefined)?.errors;
    if (errors === undefined) return undefined;
    const problems = errorProblems(errors);
    return problems.length > 0 ? `${problems.join('; ')}: ${outcome.detail}` : undefined;
  }
  if (outcome.kind === 'closed') {
    // A client's mistake closes with a documented 44xx code (4400 bad message, 4401/4403 credentials,
    // 4429 too many); 4500 or 1011 would be the gateway failing.
    const code = /"code":(\d+)/.exec(outcome.detail)?.[1];
    return code !== undefined && Number(code) >= 4400 && Number(code) < 4500 ? undefined : `socket closed: ${outcome.detail}`;
  }
  return undefined;
}
