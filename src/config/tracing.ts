import { z } from 'zod';

/**
 * Traces, by the standard OpenTelemetry variables and off by default: they are exported over
 * OTLP/HTTP (JSON) once an endpoint is set, unless OTEL_SDK_DISABLED is true or
 * OTEL_TRACES_EXPORTER says none. The exporter and the sampler read their other OTEL_* variables
 * themselves (OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_TRACES_SAMPLER,
 * OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_*), as the specification has them.
 */

const tracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.string().optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  /** Base URL of an OTLP/HTTP receiver; traces go to its /v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Full URL for traces alone; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('marketgraph'),
});

export const tracingEnv = tracingEnvSchema.shape;
type TracingEnv = z.infer<typeof tracingEnvSchema>;

export interface TracingSettings {
  readonly enabled: boolean;
  readonly serviceName: string;
}

export function tracingSettings(env: TracingEnv): TracingSettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((name) => name.trim().toLowerCase());
  return { enabled: endpoint !== undefined && !disabled && !exporters.includes('none'), serviceName: env.OTEL_SERVICE_NAME };
}
