import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsumerThrottle } from '../../src/resilience/consumer-throttle.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The request window an admission reports (RateLimit-* headers) never reads as more than its minute. */
describe('the request window of an admission', () => {
  it('counts down from the budget, and resets within a minute even for a window that just opened', async () => {
    const throttle = new ConsumerThrottle({ budgets: () => ({ requestsPerMinute: 3, providerCallsPerMinute: 10 }) });
    const remaining: number[] = [];
    for (let request = 0; request < 3; request++) {
      const admission = await throttle.admit({ id: 'acme', profile: 'pro' });
      if (!admission.admitted) throw new Error('refused within the budget');
      remaining.push(admission.requests.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    // A loaded machine: every reading of the clock is a millisecond later than the one before, so
    // each fresh window opens a moment after the throttle read the time.
    let clock = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => (clock += 1));
    for (let consumer = 0; consumer < 50; consumer++) {
      const admission = await throttle.admit({ id: `fresh-${consumer}`, profile: 'pro' });
      expect(admission.admitted && admission.requests.resetAfterMs).toBeLessThanOrEqual(60_000);
      expect(admission.admitted && admission.requests.resetAfterMs).toBeGreaterThan(59_000);
    }
  });
});
