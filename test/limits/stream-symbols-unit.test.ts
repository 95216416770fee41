import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/domain/index.js';
import { StreamSymbols } from '../../src/server/ws-limits.js';

/**
 * The symbols-per-consumer cap of streams (LIMIT_STREAM_SYMBOLS_PER_CONSUMER,
 * src/server/ws-limits.ts) in process: distinct symbols over a consumer's open subscriptions,
 * refused with the shape of the subscriptions-per-consumer refusal, given back when a stream ends.
 */

const consumer = (id: string, profile = 'pro'): Consumer => ({ id, profile, rights: new Set(), anonymous: false });
const anonymous = (clientAddress: string): Consumer => ({ id: 'anonymous', profile: 'public', rights: new Set(), anonymous: true, clientAddress });

/** The extensions of the refusal `take` throws, or undefined and the release when it admits. */
function attempt(budget: StreamSymbols, who: Consumer, symbols: string[]): { refused?: Record<string, unknown>; release?: () => void } {
  try {
    return { release: budget.take(who, symbols) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { refused: { ...error.extensions, message: error.message } };
  }
}

describe('StreamSymbols', () => {
  const budget = () => new StreamSymbols((profile) => (profile === 'pro' ? 4 : 2));

  it('counts distinct symbols over a consumer’s subscriptions and refuses past its profile’s cap with RATE_LIMITED', () => {
    const all = budget();
    const acme = consumer('acme');
    expect(attempt(all, acme, ['AAPL', 'MSFT']).refused).toBeUndefined();
    // A symbol already watched costs nothing more: AAPL twice, NVDA new.
    expect(attempt(all, acme, ['AAPL', 'NVDA', 'NVDA']).refused).toBeUndefined();
    expect(all.watched(acme)).toBe(3);
    const refused = attempt(all, acme, ['TSLA', 'AMZN']).refused;
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', budget: 'streamSymbolsPerConsumer', limit: 4 });
    expect(refused?.['message']).toMatch(/"pro" profile may watch at most 4 symbols at once over its subscriptions; this one would make 5/);
    // A refusal takes nothing: one more symbol still fits.
    expect(attempt(all, acme, ['TSLA']).refused).toBeUndefined();
    // Another consumer, and another profile, have caps of their own.
    expect(attempt(all, consumer('globex'), ['AAPL', 'MSFT', 'NVDA', 'TSLA']).refused).toBeUndefined();
    expect(attempt(all, consumer('basic-user', 'basic'), ['AAPL', 'MSFT', 'NVDA']).refused).toMatchObject({ budget: 'streamSymbolsPerConsumer', limit: 2 });
  });

  it('gives a subscription’s symbols back when it ends, once, keeping those another subscription still watches', () => {
    const all = budget();
    const acme = consumer('acme');
    const first = attempt(all, acme, ['AAPL', 'MSFT']).release!;
    const second = attempt(all, acme, ['AAPL', 'NVDA']).release!;
    expect(attempt(all, acme, ['TSLA', 'AMZN']).refused).toBeDefined();
    first();
    first(); // a stream ends once however many ways it is told to
    expect(all.watched(acme)).toBe(2); // AAPL (still the second's) and NVDA
    expect(attempt(all, acme, ['TSLA', 'AMZN']).refused).toBeUndefined();
    second();
    expect(all.watched(acme)).toBe(2);
  });

  it('counts callers without credentials by address, as their subscription slots are', () => {
    const all = budget();
    expect(attempt(all, anonymous('10.0.0.1'), ['AAPL', 'MSFT']).refused).toBeUndefined();
    expect(attempt(all, anonymous('10.0.0.1'), ['NVDA']).refused).toMatchObject({ budget: 'streamSymbolsPerConsumer', limit: 2 });
    expect(attempt(all, anonymous('10.0.0.2'), ['NVDA', 'TSLA']).refused).toBeUndefined();
  });
});
