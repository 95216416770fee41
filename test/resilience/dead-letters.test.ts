import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MarketError, ProviderError, ProviderFailureKind } from '../../src/domain/index.js';
import { describeFailure, parseJob, serialiseJob } from '../../src/resilience/dead-letter-job.js';
import { DeadLetterQueue, type DeadLetterJob, type DeadLetterQueueOptions, type RefreshRequest } from '../../src/resilience/dead-letters.js';
import { pollUntil, sleep } from '../support/timing.js';

/**
 * The dead-letter queue in memory, with its retry delays shrunk (40/80/160 ms for 1/2/4 s) and a
 * job runner the test controls. Timestamps come from an injected clock; the delays are timers, faked
 * here, so when a try runs is read off the fake clock exactly, however busy the machine is.
 */

const DELAYS = [40, 80, 160];
const T0 = Date.parse('2026-03-04T15:00:00Z');
/** Resolves after `ms` of the (fake) timers' time. */
const outage = () => new ProviderError(ProviderFailureKind.UNAVAILABLE, 'fmp', 'fmp: HTTP 503 from /stable/quote');

const queues: DeadLetterQueue[] = [];
beforeEach(() => {
  // Only the timers and performance.now (which stamps the runs): the job timestamps have a clock of their own.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
  vi.useRealTimers();
});

/** A queue whose runs are recorded (the job as handed over, and when) and answered by `outcome`. */
function queueWith(outcome: (job: DeadLetterJob, run: number) => Promise<void> | void, options: Partial<DeadLetterQueueOptions> = {}) {
  const runs: Array<{ readonly job: DeadLetterJob; readonly at: number }> = [];
  const parked: DeadLetterJob[] = [];
  const recovered: DeadLetterJob[] = [];
  const dropped: Array<{ provider: string; count: number }> = [];
  const queue = new DeadLetterQueue({
    retryDelaysMs: DELAYS,
    now: () => T0,
    run: async (job) => {
      runs.push({ job, at: performance.now() });
      await outcome(job, runs.length);
    },
    onParked: (job) => parked.push(job),
    onRecovered: (job) => recovered.push(job),
    onDropped: (event) => dropped.push(event),
    ...options,
  });
  queues.push(queue);
  return { queue, runs, parked, recovered, dropped };
}

const failing = () => Promise.reject(outage());
const request = (key: string, provider = 'fmp'): RefreshRequest => ({ provider, capability: 'quote', key, query: key, error: outage() });

/** Lets fake time pass, a millisecond at a time, until the condition holds (at most `timeoutMs` of it). */
const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> => pollUntil(condition, timeoutMs, () => vi.advanceTimersByTimeAsync(1));

describe('the dead-letter queue', () => {
  it('retries a failed job after each delay, then parks it as failed with its error and attempts', async () => {
    const { queue, runs, parked } = queueWith(failing);
    const scheduledAt = performance.now();
    expect(queue.schedule(request('AAPL'))).toBe(true);
    expect(queue.pending('fmp')).toBe(1);

    await until(() => parked.length === 1);
    expect(runs).toHaveLength(3);
    // Each try waits its delay, to the millisecond of the fake clock.
    const gaps = [runs[0]!.at - scheduledAt, runs[1]!.at - runs[0]!.at, runs[2]!.at - runs[1]!.at];
    expect(gaps).toEqual(DELAYS);
    // What each try was handed: the job as it stood, stamped by the injected clock.
    expect(runs.map(({ job }) => [job.attempts, job.nextAttemptAt, job.state])).toEqual([
      [0, T0 + 40, 'retrying'],
      [1, T0 + 80, 'retrying'],
      [2, T0 + 160, 'retrying'],
    ]);
    expect(runs[0]!.job).toMatchObject({ provider: 'fmp', capability: 'quote', key: 'AAPL', query: 'AAPL', createdAt: T0 });
    expect(new Set(runs.map(({ job }) => job.id)).size).toBe(1);

    expect(parked[0]).toMatchObject({
      id: runs[0]!.job.id,
      state: 'failed',
      attempts: 3,
      nextAttemptAt: null,
      lastError: { kind: 'UNAVAILABLE', message: 'fmp: HTTP 503 from /stable/quote' },
    });
    expect(await queue.depth('fmp')).toBe(1);
    expect(await queue.peek('fmp')).toEqual(parked);
    expect(queue.pending('fmp')).toBe(0);

    // Parked means parked: no timer left, and no further tries however long we wait.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(DELAYS[2]! + 50);
    expect(runs).toHaveLength(3);
  });

  it('queues one job per work however often it is scheduled while queued or running', async () => {
    let release: () => void = () => undefined;
    const { queue, runs, recovered } = queueWith((_job, run) => (run === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined));
    expect(queue.schedule(request('AAPL'))).toBe(true);
    for (let repeat = 0; repeat < 5; repeat++) expect(queue.schedule(request('AAPL'))).toBe(false);
    // Another key, or the same key of another capability, is other work.
    expect(queue.schedule(request('MSFT'))).toBe(true);
    expect(queue.schedule({ ...request('AAPL'), capability: 'profile' })).toBe(true);
    expect(queue.pending()).toBe(3);

    await until(() => runs.length === 3);
    // AAPL's first try is still running: still one job for it.
    expect(queue.schedule(request('AAPL'))).toBe(false);
    release();
    await until(() => recovered.length === 3);
    expect(queue.pending()).toBe(0);
    // Done: the next failure of the key is a new job.
    expect(queue.schedule(request('AAPL'))).toBe(true);
  });

  it('ends a job whose retry succeeds: recovered, nothing parked', async () => {
    const { queue, runs, parked, recovered } = queueWith((_job, run) => (run === 1 ? failing() : undefined));
    queue.schedule(request('AAPL'));
    await until(() => recovered.length === 1);
    expect(runs).toHaveLength(2);
    expect(recovered[0]).toMatchObject({ key: 'AAPL', attempts: 1, lastError: { kind: 'UNAVAILABLE' } });
    expect(parked).toEqual([]);
    expect(await queue.depth('fmp')).toBe(0);
    expect(queue.pending()).toBe(0);
  });

  it('keeps one parked entry per work: parking the same work again replaces it', async () => {
    const { queue, parked } = queueWith(failing, { retryDelaysMs: [5] });
    queue.schedule(request('AAPL'));
    await until(() => parked.length === 1);
    queue.schedule(request('AAPL'));
    await until(() => parked.length === 2);
    expect(await queue.depth('fmp')).toBe(1);
    expect((await queue.peek('fmp')).map((job) => job.id)).toEqual([parked[1]!.id]);
  });

  it('stays within its bound per provider: the oldest parked job makes room, and with none parked a new job is dropped', async () => {
    const { queue, parked, dropped } = queueWith(failing, { retryDelaysMs: [5], maxPerProvider: 3 });
    for (const key of ['A', 'B', 'C']) queue.schedule(request(key));
    await until(() => parked.length === 3);
    expect(await queue.depth('fmp')).toBe(3);

    // A fourth job: the oldest parked one (A) goes.
    expect(queue.schedule(request('D'))).toBe(true);
    expect(dropped).toEqual([{ provider: 'fmp', count: 1 }]);
    await until(() => parked.length === 4);
    expect((await queue.peek('fmp')).map((job) => job.key)).toEqual(['B', 'C', 'D']);

    // Another provider has a bound of its own.
    expect(queue.schedule(request('A', 'polygon'))).toBe(true);
    expect(dropped).toHaveLength(1);
  });

  it('parks jobs that fail alike in the order they were scheduled, even when the clock ticks while scheduling them', async () => {
    // The millisecond turns while B is scheduled: its try must not overtake A's (the order is what
    // the cap trims by and what peek and replay answer, oldest first).
    const reads = [T0, T0, T0, T0 + 1];
    const { queue, runs, parked } = queueWith(failing, { retryDelaysMs: [5], now: () => reads.shift() ?? T0 + 1 });
    for (const key of ['A', 'B', 'C']) queue.schedule(request(key));
    await until(() => parked.length === 3);
    expect(runs.map(({ job }) => job.key)).toEqual(['A', 'B', 'C']);
    expect(parked.map((job) => job.key)).toEqual(['A', 'B', 'C']);
    expect((await queue.peek('fmp')).map((job) => job.key)).toEqual(['A', 'B', 'C']);
  });

  it('drops a new job when its provider’s jobs are all still queued', async () => {
    const { queue, dropped } = queueWith(failing, { retryDelaysMs: [60_000], maxPerProvider: 2 });
    expect(queue.schedule(request('A'))).toBe(true);
    expect(queue.schedule(request('B'))).toBe(true);
    expect(queue.schedule(request('C'))).toBe(false);
    expect(dropped).toEqual([{ provider: 'fmp', count: 1 }]);
    expect(queue.pending('fmp')).toBe(2);
  });

  it('replays a provider’s parked jobs at once; they leave the shelf, and one that succeeds is done', async () => {
    let healthy = false;
    const { queue, runs, parked, recovered } = queueWith(() => (healthy ? undefined : failing()), { retryDelaysMs: [5] });
    queue.schedule(request('AAPL'));
    queue.schedule(request('MSFT'));
    queue.schedule(request('IBM', 'polygon'));
    await until(() => parked.length === 3);
    expect(await queue.depth('fmp')).toBe(2);

    healthy = true;
    const before = runs.length;
    const started = performance.now();
    expect(await queue.replay(['fmp'])).toBe(2);
    expect(await queue.depth('fmp')).toBe(0);
    await until(() => recovered.length === 2);
    // Run now, not after the first delay: no (fake) time passed.
    expect(performance.now() - started).toBe(0);
    expect(runs.slice(before).map(({ job }) => [job.key, job.state, job.attempts])).toEqual([
      ['AAPL', 'retrying', 1],
      ['MSFT', 'retrying', 1],
    ]);
    // The other provider's parked job stays parked.
    expect(await queue.depth('polygon')).toBe(1);
    expect(await queue.replay(['fmp'])).toBe(0);
  });

  it('sends a replayed job that fails again through every retry, then parks it again', async () => {
    const { queue, runs, parked } = queueWith(failing);
    queue.schedule(request('AAPL'));
    await until(() => parked.length === 1);
    expect(runs).toHaveLength(3);

    const replayedAt = performance.now();
    expect(await queue.replay(['fmp'])).toBe(1);
    await until(() => parked.length === 2);
    // The replay's own try at once, then the three retries after 40, 80 and 160 ms.
    const times = runs.slice(3).map(({ at }) => at - replayedAt);
    expect(times).toEqual([0, 40, 40 + 80, 40 + 80 + 160]);
    expect(parked[1]).toMatchObject({ id: parked[0]!.id, state: 'failed', attempts: 7 });
    expect(await queue.depth('fmp')).toBe(1);
  });

  it('runs at most `concurrency` jobs at once; the others wait their turn', async () => {
    let running = 0;
    let most = 0;
    const { queue, recovered } = queueWith(
      async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(20);
        running -= 1;
      },
      { retryDelaysMs: [5], concurrency: 2 },
    );
    for (const key of ['A', 'B', 'C', 'D', 'E']) queue.schedule(request(key));
    await until(() => recovered.length === 5);
    expect(most).toBe(2);
  });

  it('stops every timer on close and takes no more work', async () => {
    const { queue, runs } = queueWith(failing);
    queue.schedule(request('AAPL'));
    await queue.close();
    expect(queue.schedule(request('MSFT'))).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(DELAYS[0]! + 40);
    expect(runs).toEqual([]);
    expect(queue.pending()).toBe(0);
  });

  it('refuses retry delays that are no schedule', () => {
    expect(() => new DeadLetterQueue({ run: async () => undefined, retryDelaysMs: [] })).toThrow(/retry delays/);
    expect(() => new DeadLetterQueue({ run: async () => undefined, maxPerProvider: 0 })).toThrow(/cap/);
  });
});

describe('a dead-letter job', () => {
  it('records a failure by its kind and our message, scrubbed of URLs and keys', () => {
    expect(describeFailure(new ProviderError(ProviderFailureKind.BAD_RESPONSE, 'fmp', 'fmp: bad payload from https://x.test/q?apikey=SECRET1234'))).toEqual({
      kind: 'BAD_RESPONSE',
      message: 'fmp: bad payload from [url]',
    });
    expect(describeFailure(new ProviderError(ProviderFailureKind.RATE_LIMITED, 'fmp', 'refused token=abcd1234 for now')).message).toBe('refused token=[redacted] for now');
    expect(describeFailure(new MarketError('PROVIDER_UNAVAILABLE', 'No enabled provider can serve quote.'))).toEqual({
      kind: 'PROVIDER_UNAVAILABLE',
      message: 'No enabled provider can serve quote.',
    });
    expect(describeFailure(new TypeError('secret detail at /home/app'))).toEqual({ kind: 'ERROR', message: 'unexpected error' });
  });

  it('round-trips through JSON, and anything else read back is no job', () => {
    const job: DeadLetterJob = {
      capability: 'history',
      key: 'AAPL:2025-01-01:2025-02-01:DAY',
      id: 'j1',
      provider: 'fmp',
      query: { symbol: 'AAPL', from: '2025-01-01', to: '2025-02-01', interval: 'DAY' },
      attempts: 3,
      lastError: { kind: 'UNAVAILABLE', message: 'down' },
      createdAt: T0,
      nextAttemptAt: null,
      state: 'failed',
    };
    const text = serialiseJob(job);
    expect(text.startsWith('{"capability":"history","key":"AAPL:2025-01-01:2025-02-01:DAY",')).toBe(true);
    expect(parseJob(text)).toEqual(job);
    expect(parseJob('{"capability":"quote"}')).toBeUndefined();
    expect(parseJob('not json')).toBeUndefined();
  });
});
