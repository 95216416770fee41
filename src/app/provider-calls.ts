import type { ProviderCallEvent } from '../market/service.js';

export type ProviderCallListener = (event: ProviderCallEvent) => void;

/**
 * Every provider call, the market service's and delayed quotes' own, as one typed event stream:
 * the callers only emit, and the throttle, the audit trail, the metrics and provider health
 * subscribe. A new observer is one `subscribe` in the composition root, not one more callback
 * threaded through the market service. Listeners run synchronously, in the order they subscribed,
 * on the caller's stack; each event names who the call was for (`caller`), so no listener looks
 * for it elsewhere. Each only counts or queues, so none may throw or wait.
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
