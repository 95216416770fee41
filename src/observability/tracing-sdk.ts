import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Tracing, TracingOptions } from './tracing-options.js';

/**
 * The SDK, registered globally: spans batched and exported over OTLP/HTTP (JSON) to the endpoint
 * the OTEL_EXPORTER_OTLP_* variables name, context carried across awaits by AsyncLocalStorage,
 * W3C Trace Context read from callers. Nothing injects it into provider calls: the HTTP client
 * (undici) is not instrumented, so a trace id never leaves for a provider. Loaded only with
 * tracing on (tracing.ts).
 */
export function startTracingSdk(options: TracingOptions): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown().catch(() => undefined);
    },
  };
}
