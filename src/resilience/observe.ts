import { ProviderError } from '../domain/index.js';
import type { BreakerState, ProviderPipeline } from './pipeline.js';

/** Where pipeline events go; app.ts points it at the metrics, tests at arrays. */
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
    pipeline.policy.onFailure(({ reason }) => {
      const error = 'error' in reason ? reason.error : undefined;
      sink.callFailed(provider, error instanceof ProviderError ? error.kind : error ? error.name : 'UNKNOWN');
    }),
    pipeline.retry.onRetry(({ attempt }) => sink.retried(provider, attempt)),
  ];
  return () => subscriptions.forEach((subscription) => subscription.dispose());
}
