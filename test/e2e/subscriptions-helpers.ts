import { print } from 'graphql';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { LiveQuotesDocument, type LiveQuotesSubscription } from '../generated/graphql.js';
import { dayOf, isTradingDay } from '../../src/providers/simulated/calendar.js';
import { metric } from '../support/metrics.js';

export type LiveQuote = LiveQuotesSubscription['quotes'];
type WireError = { readonly message: string; readonly extensions?: Record<string, unknown> };

/**
 * A graphql-ws client that never reconnects, so a closed socket shows as it is. `lazy: false`
 * keeps one connection open from the start, even between subscriptions.
 */
export function wsClient(url: string, options: { webSocketImpl?: unknown; lazy?: boolean; onClosed?: (event: unknown) => void } = {}): Client {
  return createClient({
    url,
    webSocketImpl: options.webSocketImpl ?? WebSocket,
    retryAttempts: 0,
    lazy: options.lazy ?? true,
    on: options.onClosed ? { closed: options.onClosed } : {},
  });
}

/**
 * One subscription as its client sees it: every `next` payload, the `error` it ended with (if
 * any), whether it completed. `stop()` is the client leaving (graphql-ws sends `complete`).
 */
export interface Watch {
  readonly quotes: LiveQuote[];
  /** Errors inside `next` payloads. */
  readonly resultErrors: WireError[];
  /** What the sink's `error` received: GraphQL errors, or a CloseEvent. */
  readonly failure: () => unknown;
  readonly completed: () => boolean;
  /** Resolves once `count` quotes (optionally of one symbol) have arrived. */
  untilQuotes(count: number, symbol?: string): Promise<LiveQuote[]>;
  /** Resolves once the subscription ended: completed or failed. */
  readonly ended: Promise<void>;
  stop(): void;
}

/** Subscribes to LiveQuotes for `symbols`, or sends another document or other variables as given. */
export function watch(client: Client, symbols: string[], query = print(LiveQuotesDocument), variables: Record<string, unknown> = { symbols }): Watch {
  const quotes: LiveQuote[] = [];
  const resultErrors: WireError[] = [];
  let failure: unknown;
  let completed = false;
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const stop = client.subscribe<LiveQuotesSubscription>(
    { query, variables },
    {
      next: (result: FormattedExecutionResult<LiveQuotesSubscription>) => {
        if (result.data) quotes.push(result.data.quotes);
        if (result.errors) resultErrors.push(...(result.errors as WireError[]));
        notify();
      },
      error: (error) => {
        failure = error;
        end();
        notify();
      },
      complete: () => {
        completed = true;
        end();
        notify();
      },
    },
  );
  const untilQuotes = (count: number, symbol?: string): Promise<LiveQuote[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const matching = quotes.filter((quote) => symbol === undefined || quote.symbol === symbol);
        if (matching.length >= count) resolve(matching);
        else if (failure !== undefined || completed) reject(new Error(`subscription ended after ${matching.length} quotes: ${JSON.stringify(failure ?? resultErrors)}`));
        else return;
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { quotes, resultErrors, failure: () => failure, completed: () => completed, untilQuotes, ended, stop };
}

/** The value of an unlabelled gauge on the gateway's /metrics. */
export async function gauge(origin: string, name: string): Promise<number> {
  const value = await metric({ origin }, name);
  if (value === undefined) throw new Error(`no ${name} on /metrics`);
  return value;
}

/**
 * Polls until the feeds and watchers gauges read as expected; fails with what they read last. It
 * returns as soon as they do, so the generous default only matters on a loaded machine.
 */
export async function untilStreams(origin: string, expected: { feeds: number; watchers: number }, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = { feeds: -1, watchers: -1 };
  while (Date.now() < deadline) {
    seen = { feeds: await gauge(origin, 'stream_upstream_feeds'), watchers: await gauge(origin, 'stream_watchers') };
    if (seen.feeds === expected.feeds && seen.watchers === expected.watchers) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected ${JSON.stringify(expected)} on /metrics within ${timeoutMs} ms, last saw ${JSON.stringify(seen)}`);
}

/** Whether the simulated market trades at `at` (the gateway's clock): on weekends and NYSE holidays it holds the last close. */
export function marketOpen(at: Date): boolean {
  return isTradingDay(dayOf(at.getTime()));
}
