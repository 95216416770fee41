import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ALL_RIGHTS, ErrorCode, MarketError } from '../../src/domain/index.js';
import { subscribePushing, type ResultSink } from '../../src/graphql/pushed-results.js';
import { consumer, liveContext, quoteAt, T0, useLiveHub } from './support/live-schema.js';

/**
 * Results pushed to a transport's sink as the hub's items come: written while the sink has room,
 * held in the hub (newest per symbol) while it has none, the newest written when it has room
 * again; the stream the transport iterates ends when the subscription does. Real schema and live.hub.
 */

/** A sink with a room switch: what was written, and the resume it was last given. */
class TestSink implements ResultSink {
  readonly written: ExecutionResult[] = [];
  room = true;
  private resume: (() => void) | undefined;
  hasRoom(resume: () => void): boolean {
    if (!this.room) this.resume = resume;
    return this.room;
  }
  write(result: ExecutionResult): void {
    this.written.push(result);
  }
  open(): void {
    this.room = true;
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }
  prices(): unknown[] {
    return this.written.map((result) => (result.data?.['quotes'] as { price?: number } | undefined)?.price ?? result.errors?.[0]?.extensions['code']);
  }
}

const PRICES = parse('subscription ($s: [String!]!) { quotes(symbols: $s) { symbol price } }');
const operator = consumer('operator', ALL_RIGHTS);
const live = useLiveHub();

async function pushed(sink: ResultSink, query = PRICES): Promise<AsyncIterator<ExecutionResult>> {
  live.start();
  const stream = await subscribePushing({ schema: live.schema, document: query, variableValues: { s: ['AAPL'] }, contextValue: liveContext(live.hub, operator) }, sink);
  if (!(Symbol.asyncIterator in stream)) throw new Error(`refused: ${JSON.stringify(stream.errors)}`);
  const iterator = stream[Symbol.asyncIterator]();
  return live.opened(iterator);
}

/** Lets settled executions write (a selection type-graphql resolves with promises). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('pushed subscription results', () => {
  it('writes the snapshot at once and each tick as it comes, with no read per item', async () => {
    const sink = new TestSink();
    await pushed(sink);
    expect(sink.prices()).toEqual([100]);
    live.ticks.tick(quoteAt(101, T0 + 1_000));
    live.ticks.tick(quoteAt(102, T0 + 2_000));
    await settle();
    expect(sink.prices()).toEqual([100, 101, 102]);
  });

  it('takes nothing while the sink has no room, then writes only the newest tick', async () => {
    const sink = new TestSink();
    await pushed(sink);
    sink.room = false;
    for (let price = 101; price <= 105; price++) live.ticks.tick(quoteAt(price, T0 + price * 1_000));
    await settle();
    expect(sink.prices()).toEqual([100]);
    sink.open();
    await settle();
    expect(sink.prices()).toEqual([100, 105]);
  });

  it('writes a failed symbol as its error and goes on', async () => {
    const sink = new TestSink();
    await pushed(sink);
    live.ticks.fail('AAPL', new MarketError(ErrorCode.RATE_LIMITED, 'Quota spent.', { symbol: 'AAPL' }));
    live.ticks.tick(quoteAt(103, T0 + 3_000));
    await settle();
    expect(sink.prices()).toEqual([100, 'RATE_LIMITED', 103]);
  });

  it('keeps items in order when an execution settles later (a field resolved with a promise)', async () => {
    const sink = new TestSink();
    await pushed(sink, parse('subscription ($s: [String!]!) { quotes(symbols: $s) { symbol price company { name } } }'));
    for (let price = 101; price <= 103; price++) live.ticks.tick(quoteAt(price, T0 + price * 1_000));
    for (let round = 0; round < 20 && sink.written.length < 2; round++) await settle();
    const prices = sink.prices();
    expect(prices[0]).toBe(100);
    expect([...prices].sort()).toEqual(prices);
  });

  it('ends the stream the transport iterates when the subscription returns, its feed released', async () => {
    const sink = new TestSink();
    const stream = await pushed(sink);
    const pending = stream.next();
    await stream.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(live.hub.activeFeeds).toBe(0);
  });

  it('ends it when the hub closes', async () => {
    const sink = new TestSink();
    const stream = await pushed(sink);
    const pending = stream.next();
    live.hub.close();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
