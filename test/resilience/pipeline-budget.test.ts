import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { withResilience } from '../../src/market/routing/resilient-adapter.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createFmpProvider } from '../../src/providers/fmp/index.js';
import { createProviderPipeline } from '../../src/resilience/pipeline.js';
import type { ResilienceSettings } from '../../src/resilience/settings.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { settlesWithoutWaiting } from '../support/timing.js';

/**
 * A caller's signal (the market chain's latency budget) bounds the whole pipeline, backoffs
 * included: cockatiel's retry sleeps without watching it, so the pipeline must stop waiting itself.
 */

const QUOTE = { path: '/stable/quote' };
/** Backoffs (full jitter up to 10 s) far longer than the caller's patience. */
const SLOW_RETRIES: ResilienceSettings = {
  timeoutMs: 2_000,
  retry: { maxRetries: 3, initialDelayMs: 10_000, maxDelayMs: 10_000 },
  breaker: { kind: 'consecutive', threshold: 100, halfOpenAfterMs: 60_000 },
  bulkhead: { maxConcurrent: 4, maxQueued: 4 },
};

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(async () => upstream.close());

describe('a caller whose time runs out during a retry backoff', () => {
  it('hears UNAVAILABLE when its signal aborts, not when the backoff ends', async () => {
    const adapter = createFmpProvider({ baseUrl: upstream.url, keys: ['test-key-0001'], timeoutMs: 2_000, api: 'stable', batchQuotes: false });
    const pipeline = createProviderPipeline('fmp', SLOW_RETRIES);
    const resilient = withResilience(adapter, pipeline) as ProviderAdapter & Required<Pick<ProviderAdapter, 'quote'>>;
    upstream.on(QUOTE, { status: 503, json: {} });
    let backingOff = false;
    const listener = pipeline.retry.onRetry(() => (backingOff = true));
    const caller = new AbortController();
    const pending = resilient.quote.fetch(['AAPL'], { signal: caller.signal }).catch((error: unknown) => error);
    // The caller's time runs out once the first attempt failed and the 10 s backoff has begun...
    await expect.poll(() => backingOff, { timeout: 5_000, interval: 5 }).toBe(true);
    listener.dispose();
    caller.abort();
    // ...and it hears so at once, without waiting on any timer (the backoff's) or socket.
    expect(await settlesWithoutWaiting(pending)).toBe(true);
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(ProviderError);
    expect((outcome as ProviderError).kind).toBe(ProviderFailureKind.UNAVAILABLE);
    expect(upstream.count(QUOTE)).toBe(1);
  });
});
