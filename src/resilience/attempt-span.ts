import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProviderError } from '../domain/index.js';
import { asProviderError } from './failures.js';

const tracer = trace.getTracer('marketgraph.resilience');

/** What an upstream attempt's span says besides the provider's own answer (HTTP status and key, set by the HTTP client and the key source). */
export interface AttemptSpanFacts {
  readonly provider: string;
  readonly capability: string | undefined;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  readonly breaker: string;
}

/**
 * Runs one upstream attempt inside a span of its own, a child of the read (or operation) span
 * recording around it: provider, capability, attempt number, breaker state, and once it ends the
 * failure kind. With no recording span around (tracing off, or work no request asked for) the
 * attempt runs as it is, at the cost of one context lookup.
 */
export function inAttemptSpan<T>(facts: AttemptSpanFacts, attempt: () => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (parent === undefined || !parent.isRecording()) return attempt();
  const attributes = {
    'marketgraph.provider': facts.provider,
    'marketgraph.attempt': facts.attempt,
    'marketgraph.breaker': facts.breaker,
    ...(facts.capability === undefined ? {} : { 'marketgraph.capability': facts.capability }),
  };
  return tracer.startActiveSpan(`${facts.provider} ${facts.capability ?? 'call'}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await attempt();
    } catch (error) {
      const failure = asProviderError(error, facts.provider);
      // A timeout or a cancelled attempt arrives here as cockatiel's error, not yet in the taxonomy.
      const kind = failure instanceof ProviderError ? failure.kind : 'UNAVAILABLE';
      span.setAttribute('marketgraph.failure_kind', kind);
      span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
      throw error;
    } finally {
      span.end();
    }
  });
}
