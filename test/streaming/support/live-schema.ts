import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import { afterEach, beforeAll } from 'vitest';
import type { Consumer, Quote, Right } from '../../../src/domain/index.js';
import { createContext } from '../../../src/graphql/context.js';
import { createSchema } from '../../../src/graphql/schema.js';
import type { MarketService } from '../../../src/market/service.js';
import { ProviderRegistry } from '../../../src/market/routing/registry.js';
import type { TickSource } from '../../../src/providers/adapter.js';
import { QuoteHub } from '../../../src/streaming/hub.js';

/** A Monday afternoon, New York trading hours: the time of every test quote. */
export const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

/** A quote of `symbol` (AAPL) at `price`, stamped `at`. */
export const quoteAt = (price: number, at: number, symbol = 'AAPL'): Quote => ({
  symbol, price, change: 1, changePercent: 0.5, open: null, high: null, low: null, previousClose: null, volume: null,
  timestamp: new Date(at), source: 'simulated', asOf: new Date(at), stale: false, feed: 'simulated',
});

export const consumer = (id: string, rights: Iterable<Right>): Consumer => ({ id, profile: id, rights: new Set(rights), anonymous: false });

/** A tick source the test drives: `tick` pushes one quote to the watchers of its symbol, `fail` an error. */
export class ManualTicks implements TickSource {
  private readonly listeners = new Map<string, { onTick: (quote: Quote) => void; onError: (error: Error) => void }>();
  start(symbol: string, onTick: (quote: Quote) => void, onError: (error: Error) => void): () => void {
    this.listeners.set(symbol, { onTick, onError });
    return () => this.listeners.delete(symbol);
  }
  tick(quote: Quote): void {
    this.listeners.get(quote.symbol)?.onTick(quote);
  }
  fail(symbol: string, error: Error): void {
    this.listeners.get(symbol)?.onError(error);
  }
}

/** A subscription's context on `hub`, its snapshot every symbol's quote at 100 at T0. */
export function liveContext(hub: QuoteHub, who: Consumer): ExecutionArgs['contextValue'] {
  const market = { getQuotes: async (symbols: readonly string[]) => symbols.map((symbol) => quoteAt(100, T0, symbol)) } as unknown as MarketService;
  return createContext({ market, providers: new ProviderRegistry([]), hub }, who);
}

/** The real schema, a hub on manual ticks (fresh at each `start()`), and the streams a test opened. */
export interface LiveHub {
  readonly schema: GraphQLSchema;
  readonly ticks: ManualTicks;
  readonly hub: QuoteHub;
  start(): void;
  /** `stream`, returned after the test. */
  opened(stream: AsyncIterator<ExecutionResult>): AsyncIterator<ExecutionResult>;
}

/** A LiveHub for a test file: the schema built once, every opened stream returned and the hub closed after each test. */
export function useLiveHub(): LiveHub {
  const open: Array<AsyncIterator<ExecutionResult>> = [];
  let schema: GraphQLSchema | undefined;
  let ticks: ManualTicks | undefined;
  let hub: QuoteHub | undefined;
  const built = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useLiveHub: not started');
    return value;
  };
  beforeAll(async () => {
    schema = await createSchema();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((stream) => stream.return?.()));
    hub?.close();
  });
  return {
    get schema() {
      return built(schema);
    },
    get ticks() {
      return built(ticks);
    },
    get hub() {
      return built(hub);
    },
    start() {
      ticks = new ManualTicks();
      hub = new QuoteHub({ source: ticks });
    },
    opened(stream) {
      open.push(stream);
      return stream;
    },
  };
}
