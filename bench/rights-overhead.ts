// What enforcing @requiresRight costs per operation: the same warm-cache query executed in process
// against the enforced schema and the merely declared one, alternating rounds in one run. Prints
// operations per second of each and the ratio.
//
//   npx tsx bench/rights-overhead.ts            # BENCH_ROUNDS=40 BENCH_OPS=50 to change the run
import { execute, parse, type GraphQLSchema } from 'graphql';
import { ALL_RIGHTS, type Consumer } from '../src/domain/index.js';
import { createContext } from '../src/graphql/context.js';
import { createSchema, declaredSchema } from '../src/graphql/schema.js';
import { MarketCache } from '../src/market/cache/cache.js';
import { ProviderRegistry } from '../src/market/routing/registry.js';
import { MarketService } from '../src/market/service.js';
import { createSimulatedProvider } from '../src/providers/simulated/index.js';
import { QuoteHub } from '../src/streaming/hub.js';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 40);
const opsPerRound = Number(process.env['BENCH_OPS'] ?? 50);

const registry = new ProviderRegistry([createSimulatedProvider({ seed: 42, tickMs: 1_000 })]);
const hour = 3_600_000;
const cache = new MarketCache({
  maxEntries: 10_000,
  ttlMs: { quote: hour, history: hour, profile: hour, statements: hour, search: hour, economicSeries: hour },
  staleWindowMs: 0,
});
const market = new MarketService({ registry, cache });
const hub = new QuoteHub({ source: undefined });
const operator: Consumer = { id: 'bench', profile: 'admin', rights: new Set(ALL_RIGHTS), anonymous: false };

const symbols = ['AAPL', 'MSFT', 'AMZN', 'GOOGL', 'META', 'NVDA', 'TSLA', 'JPM', 'V', 'JNJ', 'WMT', 'PG', 'XOM', 'KO', 'PEP', 'DIS', 'NFLX', 'INTC', 'CSCO', 'ORCL'];
// 20 quotes with their company: 1 + 20 + 20 governed resolvers, 20 × 4 governed Company fields.
const document = parse(`{ quotes(symbols: ${JSON.stringify(symbols)}) { symbol price changePercent company { name sector industry marketCap } } }`);

async function run(schema: GraphQLSchema, count: number): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const result = await execute({ schema, document, contextValue: createContext({ market, providers: registry, hub }, operator) });
    if (result.errors) throw new Error(result.errors[0]?.message);
  }
  return performance.now() - started;
}

const schemas = { enforced: await createSchema(), declared: await declaredSchema() };
await run(schemas.enforced, 50);
await run(schemas.declared, 50);
const totals = { enforced: 0, declared: 0 };
for (let round = 0; round < rounds; round++) {
  totals.enforced += await run(schemas.enforced, opsPerRound);
  totals.declared += await run(schemas.declared, opsPerRound);
}
const perSecond = (ms: number): number => Math.round((rounds * opsPerRound * 1000) / ms);
const enforced = perSecond(totals.enforced);
const declared = perSecond(totals.declared);
process.stdout.write(
  `quotes(20) { company } in process, warm cache, ${rounds} × ${opsPerRound} ops each:\n` +
    `  declared only: ${declared} ops/s\n  enforced:      ${enforced} ops/s\n  ratio enforced/declared: ${(enforced / declared).toFixed(3)}\n`,
);
