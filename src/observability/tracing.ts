import { trace } from '@opentelemetry/api';
import type { Tracing, TracingOptions } from './tracing-options.js';

export type { Tracing, TracingOptions } from './tracing-options.js';

const OFF: Tracing = { enabled: false, shutdown: () => Promise.resolve() };

/**
 * Starts the OpenTelemetry SDK when tracing is on; off (the default), nothing is loaded: the SDK
 * is a lazy chunk of the bundle, and every span site in the code finds no recording span and does
 * nothing more (see `inReadSpan`, `inAttemptSpan`).
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!options.enabled) return OFF;
  const { startTracingSdk } = await import('./tracing-sdk.js');
  return startTracingSdk(options);
}

/** The active span's ids for a log line (`trace_id`, `span_id`), or nothing outside a span. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
