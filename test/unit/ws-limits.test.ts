import { describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/domain/index.js';
import { MessageRate, SubscriptionSlots, type OpenSubscriptions } from '../../src/server/ws-limits.js';

/**
 * The per-connection bookkeeping of graphql-ws limits (src/server/ws-limits.ts), in process with a
 * clock the test moves: the message token bucket, and subscription slots per connection and per
 * consumer as graphql-ws's own list of open subscriptions shows them.
 */

const consumer = (id: string, profile = 'pro'): Consumer => ({ id, profile, rights: new Set(), anonymous: false });

/** A connection as graphql-ws's context shows it: ids listed from subscribe until graphql-ws forgets them. */
function connection(): OpenSubscriptions & { readonly list: Record<string, null> } {
  const list: Record<string, null> = {};
  return { list, subscriptions: list };
}

describe('MessageRate', () => {
  it('lets a burst through at once, then the sustained rate, and refuses past it', () => {
    let now = 0;
    const rate = new MessageRate(10, 5, () => now);
    expect(Array.from({ length: 6 }, () => rate.take())).toEqual([true, true, true, true, true, false]);
    now += 100; // one message's worth at 10 per second
    expect([rate.take(), rate.take()]).toEqual([true, false]);
    now += 10_000; // refilled up to the burst, not beyond
    expect(Array.from({ length: 6 }, () => rate.take()).filter(Boolean)).toHaveLength(5);
  });
});

describe('SubscriptionSlots', () => {
  const slots = () => new SubscriptionSlots({ subscriptionsPerSocket: 2, subscriptionsPerConsumer: (profile) => (profile === 'pro' ? 3 : 1) });
  const open = (slots: SubscriptionSlots, on: ReturnType<typeof connection>, id: string, who: Consumer) => {
    on.list[id] = null;
    const refusal = slots.take(on, id, who);
    if (refusal) delete on.list[id];
    return refusal?.extensions;
  };

  it('caps each connection and each consumer over its connections, by profile', () => {
    const all = slots();
    const [one, two, three, four] = [connection(), connection(), connection(), connection()];
    expect([open(all, one, 'a', consumer('acme')), open(all, one, 'b', consumer('acme'))]).toEqual([undefined, undefined]);
    expect(open(all, one, 'c', consumer('acme'))).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerSocket', limit: 2 });
    expect(open(all, two, 'a', consumer('acme'))).toBeUndefined();
    expect(open(all, two, 'b', consumer('acme'))).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerConsumer', limit: 3 });
    expect(open(all, three, 'a', consumer('globex'))).toBeUndefined();
    expect(open(all, four, 'a', consumer('basic-user', 'basic'))).toBeUndefined();
    expect(open(all, four, 'b', consumer('basic-user', 'basic'))).toEqual({ code: 'RATE_LIMITED', budget: 'subscriptionsPerConsumer', limit: 1 });
  });

  it('frees a slot the moment graphql-ws forgets its subscription, before it reports the end', () => {
    const all = slots();
    const one = connection();
    open(all, one, 'a', consumer('acme'));
    open(all, one, 'b', consumer('acme'));
    // The client completed `a`: graphql-ws no longer lists it; onComplete comes later.
    delete one.list['a'];
    expect(open(all, one, 'c', consumer('acme'))).toBeUndefined();
    all.release(one, 'a');
    expect(open(all, one, 'd', consumer('acme'))).toMatchObject({ budget: 'subscriptionsPerSocket' });
  });

  it('gives every slot of a closed connection back to its consumer', () => {
    const all = slots();
    const [one, two] = [connection(), connection()];
    open(all, one, 'a', consumer('acme'));
    open(all, one, 'b', consumer('acme'));
    open(all, two, 'a', consumer('acme'));
    expect(open(all, two, 'b', consumer('acme'))).toMatchObject({ budget: 'subscriptionsPerConsumer' });
    all.releaseAll(one);
    expect(open(all, two, 'b', consumer('acme'))).toBeUndefined();
  });

  it('counts callers without credentials by address, as their budgets are', () => {
    const all = new SubscriptionSlots({ subscriptionsPerSocket: 5, subscriptionsPerConsumer: () => 1 });
    const anonymous = (address: string): Consumer => ({ id: 'anonymous', profile: 'public', rights: new Set(), anonymous: true, clientAddress: address });
    const [one, two, three] = [connection(), connection(), connection()];
    expect(open(all, one, 'a', anonymous('10.0.0.1'))).toBeUndefined();
    expect(open(all, two, 'a', anonymous('10.0.0.2'))).toBeUndefined();
    expect(open(all, three, 'a', anonymous('10.0.0.1'))).toMatchObject({ budget: 'subscriptionsPerConsumer', limit: 1 });
  });
});
