import type { ProviderCallEvent } from '../market/service.js';

export type ProviderCallListener = (event: ProviderCallEvent) => void;

/**
 * Every provider call, the market service's and delayed quotes' own, as one typed event stream:
 * the callers only emit, and the throttle, the audit trail, the metrics and provider health
 * subscribe. A new observer is one `subscribe` in the composition root, not one more callback
 * threaded through the market service. Listeners run synchronously, in the order they subscribed,
 * on the caller's stack (so the audit scope of the request that made the call is still current);
 * each only counts or queues, so none may throw or wait.
 */
export class ProviderCalls {
  private readonly listeners: ProviderCallListener[] = [];

  subscribe(listener: ProviderCallListener): void {
    this.listeners.push(listener);
  }

  readonly emit = (event: ProviderCallEvent): void => {
    for (const listener of this.listeners) listener(event);
  };
}
