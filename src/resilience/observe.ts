import { ProviderError } from '../domain/index.js';
import { asProviderError } from './failures.js';
import type { BreakerState, ProviderPipeline } from './pipeline.js';

/** Where pipeline events go; the composition root (src/app/observability.ts) points it at the metrics, tests at arrays. */
export interface PipelineSink {
  breakerChanged(provider: string, state: BreakerState, at: Date): void;
  callFailed(provider: string, kind: string): void;
  retried(provider: string, attempt: number): void;
}

/**
 * Subscribes a sink to one provider's policy events, in the manner of cockatiel: observability
 * listens to the policies instead of being called from every call site. Returns the unsubscriber.
 */
export function observePipeline(provider: string, pipeline: ProviderPipeline, sink: PipelineSink): () => void {
  const subscriptions = [
    pipeline.breaker.onStateChange(() => sink.breakerChanged(provider, pipeline.breakerState(), new Date())),
    // The breaker's, not the composed policy's: `wrap` hands out its outermost policy's onFailure,
    // the bulkhead's, which never fires (cockatiel's bulkhead runs calls without its executor).
    // The breaker sees exactly one outcome per call, after retries; calls it refuses while open
    // never reached the provider and are not counted here (circuit_breaker_state says why).
    pipeline.breaker.onFailure(({ reason }) => {
      const error = 'error' in reason ? asProviderError(reason.error, provider) : undefined;
      sink.callFailed(provider, error instanceof ProviderError ? error.kind : error instanceof Error ? error.name : 'UNKNOWN');
    }),
    pipeline.retry.onRetry(({ attempt }) => sink.retried(provider, attempt)),
  ];
  return () => subscriptions.forEach((subscription) => subscription.dispose());
}
