import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { limitsOf } from '../../src/config/limits.js';

/** LIMIT_* and THROTTLE_* as a user writes them: defaults per profile, overrides, and refusals that name the setting. */

describe('limit settings', () => {
  it('has document limits and budgets per built-in profile by default, the public lowest', () => {
    const { limits } = loadConfig({});
    expect(limits).toMatchObject({ maxDepth: 10, maxAliases: 30, maxTokens: 5_000, maxSymbolsPerList: 200, maxBodyBytes: 1_048_576 });
    expect([...limits.introspectionProfiles]).toEqual(['admin']);
    const order = ['public', 'basic', 'pro', 'enterprise', 'admin'].map((profile) => limitsOf(limits, profile));
    for (let index = 1; index < order.length; index++) {
      expect(order[index]!.requestsPerMinute).toBeGreaterThanOrEqual(order[index - 1]!.requestsPerMinute);
      expect(order[index]!.providerCallsPerMinute).toBeGreaterThanOrEqual(order[index - 1]!.providerCallsPerMinute);
      expect(order[index]!.costBudget).toBeGreaterThanOrEqual(order[index - 1]!.costBudget);
      expect(order[index]!.subscriptionsPerConsumer).toBeGreaterThanOrEqual(order[index - 1]!.subscriptionsPerConsumer);
      expect(order[index]!.streamSymbolsPerConsumer).toBeGreaterThanOrEqual(order[index - 1]!.streamSymbolsPerConsumer);
    }
    // graphql-ws: subscriptions per connection, and messages per connection (pings included).
    expect(limits).toMatchObject({ subscriptionsPerSocket: 100, socketMessages: { perSecond: 50, burst: 200 } });
    // A profile added through AUTH_PROFILES gets the public numbers unless told otherwise.
    expect(limitsOf(limits, 'partner')).toEqual(limitsOf(limits, 'public'));
  });

  it('overrides per profile, with "*" for every profile not named', () => {
    const { limits } = loadConfig({
      THROTTLE_REQUESTS_PER_MIN: 'public=10, partner=700, *=50',
      THROTTLE_PROVIDER_CALLS_PER_MIN: 'pro=5',
      LIMIT_COST_BUDGET: 'partner=9000',
      LIMIT_SUBSCRIPTIONS_PER_CONSUMER: 'pro=3',
      LIMIT_STREAM_SYMBOLS_PER_CONSUMER: 'pro=30,*=8',
      LIMIT_SUBSCRIPTIONS_PER_SOCKET: '7',
      LIMIT_WS_MESSAGES_PER_SECOND: '5',
      LIMIT_WS_MESSAGE_BURST: '9',
      INTROSPECTION_PROFILES: 'admin, partner',
      LIMIT_MAX_DEPTH: '6',
    });
    expect(limitsOf(limits, 'public')).toMatchObject({ requestsPerMinute: 10, costBudget: 1_000 });
    expect(limitsOf(limits, 'partner')).toEqual({ requestsPerMinute: 700, providerCallsPerMinute: 120, costBudget: 9_000, subscriptionsPerConsumer: 10, streamSymbolsPerConsumer: 8 });
    expect(limitsOf(limits, 'pro')).toMatchObject({ requestsPerMinute: 6_000, providerCallsPerMinute: 5, subscriptionsPerConsumer: 3, streamSymbolsPerConsumer: 30 });
    // Built-in profiles not named keep their own default.
    expect(limitsOf(limits, 'basic').streamSymbolsPerConsumer).toBe(200);
    expect(limits).toMatchObject({ subscriptionsPerSocket: 7, socketMessages: { perSecond: 5, burst: 9 } });
    expect(limitsOf(limits, 'someone-else').requestsPerMinute).toBe(50);
    expect([...limits.introspectionProfiles]).toEqual(['admin', 'partner']);
    expect(limits.maxDepth).toBe(6);
  });

  it.each([
    ['THROTTLE_REQUESTS_PER_MIN', 'public:10'],
    ['THROTTLE_REQUESTS_PER_MIN', 'public=0'],
    ['THROTTLE_PROVIDER_CALLS_PER_MIN', 'pro=5,pro=6'],
    ['LIMIT_COST_BUDGET', 'Public=5'],
    ['LIMIT_MAX_SYMBOLS', '201'],
    ['LIMIT_MAX_DEPTH', '0'],
    ['LIMIT_SUBSCRIPTIONS_PER_CONSUMER', 'pro=0'],
    ['LIMIT_STREAM_SYMBOLS_PER_CONSUMER', 'pro=0'],
    ['LIMIT_SUBSCRIPTIONS_PER_SOCKET', '0'],
    ['LIMIT_WS_MESSAGES_PER_SECOND', 'fast'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
