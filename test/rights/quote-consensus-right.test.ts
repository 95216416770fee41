import { execute, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILES } from '../../src/config/auth.js';
import type { Consumer, Right } from '../../src/domain/index.js';
import { createContext } from '../../src/graphql/context.js';
import { createSchema } from '../../src/graphql/schema.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import type { MarketService } from '../../src/market/service.js';
import type { ProviderAdapter } from '../../src/providers/adapter.js';
import { createSimulatedProvider } from '../../src/providers/simulated/index.js';
import { QuoteHub } from '../../src/streaming/hub.js';

/**
 * `quoteConsensus` has a right of its own, QUOTES_CONSENSUS, held by the enterprise and admin
 * profiles: anyone else is FORBIDDEN before any provider is asked. On a gateway with the simulated
 * market alone, the consensus is that one source, which nothing corroborates.
 */

const WEDNESDAY_10AM = Date.parse('2026-12-02T15:00:00Z');
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

function consumerOf(profile: keyof typeof DEFAULT_PROFILES): Consumer {
  return { id: `${profile}-1`, profile, rights: new Set<Right>(DEFAULT_PROFILES[profile]?.rights ?? []), anonymous: false };
}

/** The simulated market, counting the quote calls made of it. */
function countedMarket(): { adapter: ProviderAdapter; calls: () => number } {
  const simulated = createSimulatedProvider({ seed: 42, tickMs: 1_000, now: () => WEDNESDAY_10AM });
  let calls = 0;
  const adapter: ProviderAdapter = {
    ...simulated,
    quote: {
      batchSize: simulated.quote.batchSize,
      fetch: (symbols, options) => {
        calls += 1;
        return simulated.quote.fetch(symbols, options);
      },
    },
  };
  return { adapter, calls: () => calls };
}

async function ask(profile: keyof typeof DEFAULT_PROFILES) {
  const { adapter, calls } = countedMarket();
  const contextValue = createContext(
    { market: {} as MarketService, providers: new ProviderRegistry([adapter]), hub: new QuoteHub({ source: undefined }), clock: () => WEDNESDAY_10AM },
    consumerOf(profile),
  );
  const result = await execute({ schema, document: parse('{ quoteConsensus(symbol: "AAPL") { answered agreeing outliers grade score reasons sources { source grade } } }'), contextValue });
  return { result: JSON.parse(JSON.stringify(result)) as { data?: Record<string, unknown>; errors?: Array<{ extensions?: Record<string, unknown> }> }, calls: calls() };
}

describe('the QUOTES_CONSENSUS right', () => {
  it.each(['public', 'basic', 'pro'] as const)('refuses the %s profile FORBIDDEN without asking a provider', async (profile) => {
    const { result, calls } = await ask(profile);
    expect(result.data?.['quoteConsensus']).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(calls).toBe(0);
  });

  it.each(['enterprise', 'admin'] as const)('answers the %s profile; one source alone is never better than C', async (profile) => {
    const { result, calls } = await ask(profile);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['quoteConsensus']).toEqual({
      answered: 1,
      agreeing: 1,
      outliers: [],
      grade: 'C',
      score: 70,
      reasons: ['only one source answered: nothing corroborates its price'],
      sources: [{ source: 'simulated', grade: 'A' }],
    });
    expect(calls).toBe(1);
  });
});
