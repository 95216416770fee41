import { isCompositeType, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graphql/schema.js';
import { cachePolicy, TYPE_CLASSES } from '../../src/server/response-cache/policy.js';

/** Which operations the response cache may keep, and with which kinds of data, on the real schema. */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

function kindsOf(source: string): string[] | undefined {
  const document = parse(source);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (!operation) throw new Error('no operation');
  return cachePolicy(schema, document, operation)?.kinds.slice().sort();
}

describe('the response cache policy', () => {
  it('classifies every object, interface and union type of the schema, so a new one forces a decision', () => {
    const unclassified = Object.values(schema.getTypeMap())
      .filter((type) => isCompositeType(type) && !type.name.startsWith('__'))
      .map((type) => type.name)
      .filter((name) => TYPE_CLASSES[name] === undefined);
    expect(unclassified).toEqual([]);
  });

  it('gives a query every kind of data reachable in it, nested fields and fragments included', () => {
    expect(kindsOf('{ quote(symbol: "AAPL") { price } }')).toEqual(['quote']);
    expect(kindsOf('{ quote(symbol: "AAPL") { price company { name } } }')).toEqual(['profile', 'quote']);
    expect(kindsOf('{ search(query: "apple") { symbol company { ...c } } } fragment c on Company { name quote { price } }')).toEqual(['profile', 'quote', 'search']);
    expect(kindsOf('{ company(symbol: "AAPL") { financials(statement: INCOME) { ... on IncomeStatement { revenue } } } }')).toEqual(['profile', 'statements']);
    expect(kindsOf('{ priceHistory(symbol: "AAPL") { close } economicSeries(id: "GDP") { observations { value } } }')).toEqual(['economicSeries', 'history']);
    // A branch that may be skipped still counts: the policy is per document, not per variables.
    expect(kindsOf('query Q($all: Boolean!) { quote(symbol: "AAPL") { price company @include(if: $all) { name } } }')).toEqual(['profile', 'quote']);
  });

  it('keeps out mutations, subscriptions, provider status, introspection and queries of no market data', () => {
    expect(kindsOf('mutation { resetCircuitBreaker(provider: SIMULATED) { id } }')).toBeUndefined();
    expect(kindsOf('subscription { quotes(symbols: ["AAPL"]) { price } }')).toBeUndefined();
    expect(kindsOf('{ providers { id breaker { state } } }')).toBeUndefined();
    expect(kindsOf('{ quote(symbol: "AAPL") { price } providers { id } }')).toBeUndefined();
    expect(kindsOf('{ auditLog(limit: 5) { __typename } }')).toBeUndefined();
    expect(kindsOf('{ __schema { queryType { name } } }')).toBeUndefined();
    expect(kindsOf('{ quote(symbol: "AAPL") { price } __type(name: "Quote") { name } }')).toBeUndefined();
    expect(kindsOf('{ __typename }')).toBeUndefined();
    expect(kindsOf('{ nosuchfield }')).toBeUndefined();
  });

  it('keeps out queries selecting a value of the moment of answering (`age`), wherever it sits, which a stored answer would replay frozen', () => {
    expect(kindsOf('{ quote(symbol: "AAPL") { price stale } }')).toEqual(['quote']);
    expect(kindsOf('{ quote(symbol: "AAPL") { price age } }')).toBeUndefined();
    expect(kindsOf('{ quote(symbol: "AAPL") { price company { age } } }')).toBeUndefined();
    expect(kindsOf('{ company(symbol: "AAPL") { financials(statement: INCOME) { ... on IncomeStatement { revenue age } } } }')).toBeUndefined();
    expect(kindsOf('{ company(symbol: "AAPL") { financials(statement: INCOME) { age } } }')).toBeUndefined();
    expect(kindsOf('{ economicSeries(id: "GDP") { ...e } } fragment e on EconomicSeries { age }')).toBeUndefined();
    expect(kindsOf('{ quote(symbol: "AAPL") { howOld: age } }')).toBeUndefined();
  });
});
