import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, ProviderFailureKind, type Quote } from '../../src/domain/index.js';
import { finnhubStream } from '../../src/providers/finnhub/stream.js';
import { createStreamSource, type StreamSource, type StreamSourceOptions } from '../../src/providers/kit/stream-source.js';
import { baselineQuote, watch } from '../support/fake-streams/harness.js';
import { ManualClock } from '../support/fake-streams/manual-clock.js';

/**
 * Each watched symbol costs one REST baseline on the provider's quota. A burst of new symbols
 * against a spent quota must not turn into one refused call per symbol, again every retry period
 * (the "baseline storm" of the stream-fanout bench): the gate asks a few, and after a
 * RATE_LIMITED answer waits for the provider's retryAfter before asking the rest.
 */
describe('stream baselines under a rate limit', () => {
  let source: StreamSource | undefined;
  afterEach(() => source?.close());

  const flush = async (): Promise<void> => {
    for (let round = 0; round < 20; round++) await Promise.resolve();
  };

  /** A Finnhub stream source whose socket never connects (nothing listens), so only its baselines matter. */
  const offlineSource = (clock: ManualClock, baselines: Pick<StreamSourceOptions, 'baseline' | 'baselineRetryMs' | 'baselineConcurrency'>): StreamSource =>
    createStreamSource({
      provider: 'finnhub',
      name: 'Finnhub',
      url: 'ws://127.0.0.1:9',
      keys: ['k1'],
      protocol: finnhubStream.protocol,
      defaultSymbolCap: 1_000,
      clock,
      random: () => 0.5,
      ...baselines,
    });

  it('asks a few baselines, then waits out the retryAfter instead of spending one refused call per symbol', async () => {
    const clock = new ManualClock();
    const asked: string[] = [];
    let limited = true;
    source = offlineSource(clock, {
      baselineRetryMs: 30_000,
      baseline: async (symbol): Promise<Quote> => {
        asked.push(symbol);
        if (limited) throw new ProviderError(ProviderFailureKind.RATE_LIMITED, 'finnhub', 'quota spent', { retryAfterMs: 10_000 });
        return baselineQuote(symbol, 'finnhub');
      },
    });
    const watches = Array.from({ length: 100 }, (_, index) => watch(source as StreamSource, `S${index}`));
    await flush();
    // Without the gate: 100 calls at once, every one refused.
    expect(asked.length).toBeLessThanOrEqual(4);
    clock.advance(5_000);
    await flush();
    expect(asked.length).toBeLessThanOrEqual(4);
    // The quota is back: the queued symbols are read, a few at a time, each once.
    limited = false;
    for (let step = 0; step < 60; step++) {
      clock.advance(1_000);
      await flush();
    }
    const distinct = new Set(asked);
    expect(distinct.size).toBe(100);
    // The first few were refused once and asked again; no symbol was asked more than twice.
    expect(asked.length).toBeLessThanOrEqual(100 + 4);
    for (const w of watches) w.stop();
  });

  it('a symbol left while its baseline waits costs no call', async () => {
    const clock = new ManualClock();
    const asked: string[] = [];
    source = offlineSource(clock, {
      baselineConcurrency: 1,
      baseline: async (symbol): Promise<Quote> => {
        asked.push(symbol);
        throw new ProviderError(ProviderFailureKind.RATE_LIMITED, 'finnhub', 'quota spent', { retryAfterMs: 1_000 });
      },
    });
    const first = watch(source, 'A');
    const second = watch(source, 'B');
    await flush();
    second.stop();
    clock.advance(2_000);
    await flush();
    expect(asked).toEqual(['A']);
    first.stop();
  });
});
