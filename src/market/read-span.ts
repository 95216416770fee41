import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('marketgraph.market');

/**
 * One market-service read as a trace span, a child of the operation span recording around it
 * (server/operation-span.ts): its kind and symbol count at the start, and what answered it as the
 * read goes (`noteOnRead`: cache hits, L2 lookups, flights led or joined, the wait on another
 * instance's flight). Provider attempts nest under it (resilience/attempt-span.ts). With no
 * recording span around (tracing off, or a background refresh) `work` runs as it is, at the cost
 * of one context lookup.
 */
export function inReadSpan<T>(kind: string, attributes: Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (parent === undefined || !parent.isRecording()) return work(undefined);
  return tracer.startActiveSpan(`market.read ${kind}`, { attributes: { 'marketgraph.kind': kind, ...attributes } }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds to the read span of the read running now, when one records (see `inReadSpan`). */
export function noteOnRead(attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(attributes);
}
