/** Whether traces are exported, and how to flush them on the way out. */
export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is still buffered, then stops; resolves also when the receiver is away. */
  shutdown(): Promise<void>;
}

/** What tracing is started with (config/tracing.ts reads it from the OTEL_* variables). */
export interface TracingOptions {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion?: string;
}
