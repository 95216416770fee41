import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import { observePipeline } from '../../src/resilience/observe.js';
import { createProviderPipeline } from '../../src/resilience/pipeline.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * What observability hears from a provider's pipeline (these events feed provider_errors_total,
 * provider_retries_total and circuit_breaker_state): one failure per failed call, after its
 * retries, in the failure taxonomy.
 */

const QUOTE = { path: '/stable/quote' };
const FAST: ResilienceSettings = {
  timeoutMs: 100,
  retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
  breaker: { kind: 'consecutive', threshold: 2, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 2, maxQueued: 2 },
};

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

function observedFmp() {
  const adapter = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
  const pipeline = createProviderPipeline('fmp', FAST);
  const events = { failed: [] as string[], retried: [] as number[], breaker: [] as string[] };
  observePipeline('fmp', pipeline, {
    callFailed: (_provider, kind) => events.failed.push(kind),
    retried: (_provider, attempt) => events.retried.push(attempt),
    breakerChanged: (_provider, state) => events.breaker.push(state),
  });
  const resilient = withResilience(adapter, pipeline) as ProviderAdapter & Required<Pick<ProviderAdapter, 'quote'>>;
  return { resilient, events };
}

describe('observePipeline', () => {
  it('reports a failed call once, after its retries, by its kind; a timeout is UNAVAILABLE', async () => {
    const { resilient, events } = observedFmp();
    upstream.on(QUOTE, { status: 503, json: {} }, { times: 2 });
    await expect(resilient.quote.fetch(['AAPL'])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    expect(events).toEqual({ failed: ['UNAVAILABLE'], retried: [1], breaker: [] });

    upstream.on(QUOTE, { fault: 'hang' });
    await expect(resilient.quote.fetch(['AAPL'])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    expect(events.failed).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(events.breaker).toEqual(['OPEN']);
  });

  it('reports bodies that are not JSON as BAD_RESPONSE, and not the calls the open breaker refuses', async () => {
    const { resilient, events } = observedFmp();
    upstream.on(QUOTE, { fault: 'malformed' });
    for (let call = 0; call < 3; call += 1) {
      await expect(resilient.quote.fetch(['AAPL'])).rejects.toMatchObject({ kind: call < 2 ? 'BAD_RESPONSE' : 'UNAVAILABLE' });
    }
    expect(upstream.count(QUOTE)).toBe(2);
    expect(events.failed).toEqual(['BAD_RESPONSE', 'BAD_RESPONSE']);
    expect(events.breaker).toEqual(['OPEN']);
  });
});
