import { execute, parse, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_PUBLIC, type Consumer } from '../../src/domain/index.js';
import { createContext } from '../../src/graphql/context.js';
import { priceOperation } from '../../src/graphql/limits/cost.js';
import { createSchema } from '../../src/graphql/schema.js';
import type { MarketService } from '../../src/market/service.js';
import { ProviderRegistry } from '../../src/market/routing/registry.js';
import { QuoteHub } from '../../src/streaming/hub.js';
import { MarketStatusDocument, type MarketStatusQuery } from '../generated/graphql.js';

/**
 * `marketStatus` through the real schema (rights enforced), executed in process with a context on
 * a fixed clock: the gateway's current time for market data, as SIMULATED_NOW fixes it. The
 * calendar itself is tested in market-calendar.test.ts; this is the GraphQL side of it.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

/** No market call is made: the calendar answers alone. */
const market = new Proxy({}, { get: () => { throw new Error('marketStatus must not touch the market service'); } }) as MarketService;

/** Executes `source` as of `nowMs`; the result as a client reads it (JSON: DateTime values as ISO text). */
async function run<T = MarketStatusQuery>(nowMs: number, source: string | typeof MarketStatusDocument, variables: Record<string, unknown> = {}, consumer: Consumer = ANONYMOUS_PUBLIC) {
  const contextValue = createContext({ market, providers: new ProviderRegistry([]), hub: new QuoteHub({ source: undefined }), clock: () => nowMs }, consumer);
  const document = typeof source === 'string' ? parse(source) : source;
  const result = await execute({ schema, document, variableValues: variables, contextValue });
  return JSON.parse(JSON.stringify(result)) as ExecutionResult<T>;
}

/** Wednesday 2026-12-02, 10:00 New York (EST). */
const WEDNESDAY_MORNING = Date.parse('2026-12-02T15:00:00Z');

describe('the marketStatus query', () => {
  it('answers NYSE by default, for the context’s clock, to a caller with no rights at all', async () => {
    const nobody: Consumer = { id: 'nobody', profile: 'none', rights: new Set(), anonymous: false };
    const result = await run<{ marketStatus: Record<string, unknown> }>(
      WEDNESDAY_MORNING,
      '{ marketStatus { exchange isOpen session holiday earlyClose nextOpen nextClose asOf } }',
      {},
      nobody,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.marketStatus).toEqual({
      exchange: 'NYSE',
      isOpen: true,
      session: 'REGULAR',
      holiday: null,
      earlyClose: false,
      nextOpen: '2026-12-03T14:30:00.000Z',
      nextClose: '2026-12-02T21:00:00.000Z',
      asOf: '2026-12-02T15:00:00.000Z',
    });
  });

  it('answers Nasdaq by MIC, on a holiday, with the typed operation', async () => {
    // Friday 2026-07-03, 11:00 New York: Independence Day observed (July 4 is a Saturday).
    const result = await run(Date.parse('2026-07-03T15:00:00Z'), MarketStatusDocument, { exchange: 'xnas' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.marketStatus).toEqual({
      exchange: 'NASDAQ',
      isOpen: false,
      session: 'CLOSED',
      holiday: 'Independence Day',
      earlyClose: false,
      nextOpen: '2026-07-06T13:30:00.000Z',
      nextClose: '2026-07-06T20:00:00.000Z',
      asOf: '2026-07-03T15:00:00.000Z',
    });
  });

  it('says AFTER_HOURS after 13:00 on an early-close day', async () => {
    // Friday 2026-11-27 (the day after Thanksgiving), 14:00 New York.
    const result = await run(Date.parse('2026-11-27T19:00:00Z'), MarketStatusDocument, { exchange: 'NYSE' });
    expect(result.data?.marketStatus).toMatchObject({ isOpen: false, session: 'AFTER_HOURS', earlyClose: true, nextOpen: '2026-11-30T14:30:00.000Z' });
  });

  it('refuses an exchange it does not model with BAD_USER_INPUT naming the ones it does', async () => {
    const result = await run(WEDNESDAY_MORNING, MarketStatusDocument, { exchange: 'LSE' });
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error!.path).toEqual(['marketStatus']);
    expect(error!.message).toMatch(/"LSE".*NYSE and NASDAQ/);
    expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'exchange', exchanges: ['NYSE', 'NASDAQ'] });
  });

  it('costs one point per field selected, like any field without a list', () => {
    const document = parse('{ marketStatus { isOpen session } }');
    const operation = document.definitions[0]!;
    if (operation.kind !== 'OperationDefinition') throw new Error('no operation');
    expect(priceOperation(schema, document, operation, {})).toMatchObject({ kind: 'priced', cost: 3 });
  });
});
