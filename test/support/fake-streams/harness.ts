import type { ProviderId, Quote } from '../../../src/domain/index.js';
import type { KeySource } from '../../../src/providers/keys.js';
import type { ProviderStream } from '../../../src/providers/kit/stream-adapter.js';
import type { StreamAuthRefused, StreamMalformedFrame, StreamReconnect, StreamStateChange } from '../../../src/providers/kit/stream-events.js';
import { createStreamSource, type StreamSource, type StreamTuning } from '../../../src/providers/kit/stream-source.js';
import { afterEach } from 'vitest';
import type { ManualClock } from './manual-clock.js';

/** What one watcher of a symbol saw, and how to stop watching. */
export interface Watch {
  readonly quotes: Quote[];
  readonly errors: Error[];
  stop(): void;
}

export function watch(source: StreamSource, symbol: string): Watch {
  const quotes: Quote[] = [];
  const errors: Error[] = [];
  const stop = source.start(
    symbol,
    (quote) => quotes.push(quote),
    (error) => errors.push(error),
  );
  return { quotes, errors, stop };
}

/** Every event a source emitted, by kind, as a metrics subscriber would see them. */
export interface EventLog {
  readonly states: StreamStateChange[];
  readonly malformed: StreamMalformedFrame[];
  readonly reconnects: StreamReconnect[];
  readonly refusals: StreamAuthRefused[];
  frames: number;
}

export function recordEvents(source: StreamSource): EventLog {
  const log: EventLog = { states: [], malformed: [], reconnects: [], refusals: [], frames: 0 };
  source.events.onStateChange((event) => log.states.push(event));
  source.events.onMalformedFrame((event) => log.malformed.push(event));
  source.events.onReconnect((event) => log.reconnects.push(event));
  source.events.onAuthRefused((event) => log.refusals.push(event));
  source.events.onFrame(() => {
    log.frames += 1;
  });
  return log;
}

/**
 * The REST quote a stream reads its ticks against: previous close 100, so a tick at 101 is +1
 * (+1 %). Stamped at a fixed instant: nothing here reads the calendar.
 */
export function baselineQuote(symbol: string, source: string, previousClose = 100): Quote {
  const at = new Date(1_000_000_000_000);
  return {
    symbol,
    price: previousClose,
    change: 0,
    changePercent: 0,
    open: previousClose,
    high: previousClose,
    low: previousClose,
    previousClose,
    volume: 1_000,
    timestamp: at,
    source,
    asOf: at,
    stale: false,
  };
}

/** Trade times for fixtures: a fixed origin plus an offset, never "now". */
export const T0 = 1_700_000_000_000;

/** A provider's stream source on a fake, with a manual clock, fixed jitter and a fixed baseline (previous close 100). */
export function sourceOn(
  feed: ProviderStream,
  provider: ProviderId,
  name: string,
  url: string,
  clock: ManualClock,
  options: StreamTuning & { readonly keys: readonly string[]; readonly keySource?: KeySource },
): StreamSource {
  return createStreamSource({
    backoffBaseMs: 1_000,
    backoffMaxMs: 8_000,
    silenceMs: 30_000,
    ...options,
    provider,
    name,
    url,
    protocol: feed.protocol,
    defaultSymbolCap: feed.defaultSymbolCap,
    baseline: async (symbol) => baselineQuote(symbol, provider),
    clock,
    random: () => 0.5,
  });
}

/** The fake upstream and the stream source of the running test: each test sets them, and both are closed after it (the source first). */
export interface StreamUnderTest<Fake> {
  upstream: Fake | undefined;
  source: StreamSource | undefined;
}

export function streamUnderTest<Fake extends { close(): Promise<unknown> }>(): StreamUnderTest<Fake> {
  const current: StreamUnderTest<Fake> = { upstream: undefined, source: undefined };
  afterEach(async () => {
    current.source?.close();
    current.source = undefined;
    await current.upstream?.close();
    current.upstream = undefined;
  });
  return current;
}
