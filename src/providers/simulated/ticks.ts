import type { Quote } from '../../domain/index.js';
import type { TickSource } from '../adapter.js';

export interface TickDependencies {
  /** Whether the market lists the symbol; an unlisted one gets one error and no ticks. */
  readonly lists: (symbol: string) => boolean;
  readonly quoteAt: (symbol: string, timeMs: number) => Quote;
  readonly notFound: (symbol: string) => Error;
  readonly now: () => number;
  readonly tickMs: number;
  /** Whether the market trades at an instant: no ticks on weekends and holidays. */
  readonly isOpen: (timeMs: number) => boolean;
}

/**
 * A live feed per symbol: the quote at the clock's time, once straight away (the closing print,
 * when the market is closed) and then every `tickMs` while the market trades. Timers are unref'd
 * so an idle feed never keeps the process alive.
 */
export function createTickSource({ lists, quoteAt, notFound, now, tickMs, isOpen }: TickDependencies): TickSource {
  const interval = Math.max(1, tickMs);
  return {
    start(symbol, onTick, onError) {
      let stopped = false;
      if (!lists(symbol)) {
        // After `start` returns, so the caller already holds the stop function when it hears.
        queueMicrotask(() => {
          if (!stopped) onError(notFound(symbol));
        });
        return () => {
          stopped = true;
        };
      }
      const tick = (first: boolean): void => {
        if (stopped) return;
        const at = now();
        // Closed, the price is the last close: one item says so, repeating it would be a fake tick.
        if (!first && !isOpen(at)) return;
        let quote: Quote;
        try {
          quote = quoteAt(symbol, at);
        } catch (error) {
          onError(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        // Marked live here, not in `quoteAt`: the same quote answers queries, which carry no feed.
        onTick({ ...quote, feed: 'simulated' });
      };
      const first = setTimeout(() => tick(true), 0);
      first.unref();
      const timer = setInterval(() => tick(false), interval);
      timer.unref();
      return () => {
        stopped = true;
        clearTimeout(first);
        clearInterval(timer);
      };
    },
  };
}
