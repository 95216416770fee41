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
 * A live feed per symbol: the quote at the clock's time, once straight away and then every
 * `tickMs`, while the market trades. Closed (a weekend, a holiday), it sends nothing: the price is
 * the last close, which a subscription already starts with (its snapshot), and repeating it would
 * be a fake tick. Timers are unref'd so an idle feed never keeps the process alive.
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
      const tick = (): void => {
        if (stopped) return;
        const at = now();
        if (!isOpen(at)) return;
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
      const first = setTimeout(tick, 0);
      first.unref();
      const timer = setInterval(tick, interval);
      timer.unref();
      return () => {
        stopped = true;
        clearTimeout(first);
        clearInterval(timer);
      };
    },
  };
}
