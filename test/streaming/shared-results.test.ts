import { parse, type DocumentNode, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ALL_RIGHTS, MarketError, ErrorCode, type Consumer } from '../../src/domain/index.js';
import { subscribeSharingResults } from '../../src/graphql/shared-results.js';
import { consumer, liveContext, quoteAt, T0, useLiveHub } from './support/live-schema.js';

/**
 * Subscribers of one tick share its execution when nothing in their selection depends on who they
 * are beyond their rights: the same result object for all of them. Every other case (other rights,
 * a time-of-answer or per-caller field, an error) executes per subscriber, as graphql-js would.
 */

const everything = consumer('operator', ALL_RIGHTS);
const realtime = consumer('streamer', ['STREAMING', 'QUOTES_REALTIME']);

const live = useLiveHub();

/** A subscription of `who` to AAPL with `document`, its snapshot (the first item) already read. */
async function subscriber(document: DocumentNode, who: Consumer): Promise<AsyncIterator<ExecutionResult>> {
  const contextValue = liveContext(live.hub, who);
  const stream = await subscribeSharingResults({ schema: live.schema, document, variableValues: { s: ['AAPL'] }, contextValue });
  if (!(Symbol.asyncIterator in stream)) throw new Error(`refused: ${JSON.stringify(stream.errors)}`);
  const iterator = stream[Symbol.asyncIterator]();
  live.opened(iterator);
  await iterator.next();
  return iterator;
}

/** The next result of each subscriber after one tick. */
async function afterTick(subscribers: ReadonlyArray<AsyncIterator<ExecutionResult>>, push: () => void): Promise<ExecutionResult[]> {
  const reads = subscribers.map((each) => each.next());
  push();
  return (await Promise.all(reads)).map((step) => step.value as ExecutionResult);
}

const PRICES = parse('subscription ($s: [String!]!) { quotes(symbols: $s) { symbol price timestamp source feed } }');

describe('results shared per tick', () => {
  it('hands subscribers of one document, variables and rights the same result of each tick', async () => {
    live.start();
    const subscribers = [await subscriber(PRICES, everything), await subscriber(PRICES, everything), await subscriber(PRICES, consumer('other-operator', ALL_RIGHTS))];
    const [first, ...rest] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(101, T0 + 1_000)));
    expect(first).toEqual({ data: { quotes: { symbol: 'AAPL', price: 101, timestamp: new Date(T0 + 1_000), source: 'simulated', feed: 'SIMULATED' } } });
    for (const result of rest) expect(result).toBe(first);
    // The next tick is executed anew, once.
    const [next, ...others] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(102, T0 + 2_000)));
    expect(next?.data).toMatchObject({ quotes: { price: 102 } });
    for (const result of others) expect(result).toBe(next);
  });

  it('executes per subscriber for other rights: the same data, each its own result', async () => {
    live.start();
    const subscribers = [await subscriber(PRICES, everything), await subscriber(PRICES, realtime)];
    const [first, second] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(101, T0 + 1_000)));
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('executes per subscriber a selection with a field answered at the moment (age) or per caller (company)', async () => {
    for (const query of ['{ symbol price age }', '{ symbol company { name } }']) {
      live.start();
      const document = parse(`subscription ($s: [String!]!) { quotes(symbols: $s) ${query} }`);
      const subscribers = [await subscriber(document, everything), await subscriber(document, everything)];
      const [first, second] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(101, T0 + 1_000)));
      expect(first?.data, query).toMatchObject({ quotes: { symbol: 'AAPL' } });
      expect(second, query).not.toBe(first);
      for (const stream of subscribers) await stream.return?.();
      live.hub.close();
    }
  });

  it('shares a selection reached through fragments when every field in them may be shared', async () => {
    live.start();
    const document = parse('subscription ($s: [String!]!) { quotes(symbols: $s) { ...Price ... on Quote { source } } } fragment Price on Quote { symbol price }');
    const subscribers = [await subscriber(document, everything), await subscriber(document, everything)];
    const [first, second] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(101, T0 + 1_000)));
    expect(first?.data).toEqual({ quotes: { symbol: 'AAPL', price: 101, source: 'simulated' } });
    expect(second).toBe(first);
  });

  it('gives each subscriber its own error for a failed symbol, and the stream goes on', async () => {
    live.start();
    const subscribers = [await subscriber(PRICES, everything), await subscriber(PRICES, realtime)];
    const failed = await afterTick(subscribers, () => live.ticks.fail('AAPL', new MarketError(ErrorCode.RATE_LIMITED, 'Quota spent.', { symbol: 'AAPL' })));
    for (const result of failed) expect(result.errors?.map((error) => error.extensions['code'])).toEqual(['RATE_LIMITED']);
    expect(failed[1]).not.toBe(failed[0]);
    const [after] = await afterTick(subscribers, () => live.ticks.tick(quoteAt(103, T0 + 3_000)));
    expect(after?.data).toMatchObject({ quotes: { price: 103 } });
  });

  it('releases the feed when a subscriber returns, a pending read included', async () => {
    live.start();
    const only = await subscriber(PRICES, everything);
    const pending = only.next();
    await only.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(live.hub.activeFeeds).toBe(0);
  });
});
