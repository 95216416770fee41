import { Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_PUBLIC } from '../../src/domain/index.js';
import { aliasLimitRule } from '../../src/graphql/limits/aliases.js';
import { MAX_QUERY_NODES, priceOperation } from '../../src/graphql/limits/cost.js';
import { depthLimitRule } from '../../src/graphql/limits/depth.js';
import { expandedSelections } from '../../src/graphql/limits/node-count.js';
import { forbiddenSelections, MAX_LISTED_DENIALS } from '../../src/graphql/rights/operation.js';
import { createSchema } from '../../src/graphql/schema.js';
import { cachePolicy } from '../../src/server/response-cache/policy.js';

/**
 * Every walk over a document before execution is linear in the document's size, however its
 * fragments multiply (issue 12, item 1): n fragments each spreading the next twice expand to 2^n
 * selections, and a walk that re-entered every spread took 10 s at n = 23. Measured by counting,
 * not by the clock: how often any walk reads a fragment's selection set.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

/** `query A { ...F0 }`, F(i) spreading F(i+1) twice, the last selecting `bottom`. */
function fragmentChain(n: number, bottom = 'priceHistory(symbol: "AAPL") { close }'): string {
  const fragments: string[] = [];
  for (let i = 0; i < n - 1; i++) fragments.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  fragments.push(`fragment F${n - 1} on Query { ${bottom} }`);
  return `query A { ...F0 } ${fragments.join(' ')}`;
}

/** The document with each fragment definition counting the reads of its selection set. */
function counted(source: string): { readonly document: DocumentNode; readonly operation: OperationDefinitionNode; readonly reads: () => number } {
  let reads = 0;
  const parsed = parse(source);
  const definitions = parsed.definitions.map((definition) =>
    definition.kind !== Kind.FRAGMENT_DEFINITION
      ? definition
      : new Proxy(definition, {
          get(target, property, receiver) {
            if (property === 'selectionSet') reads += 1;
            return Reflect.get(target, property, receiver) as unknown;
          },
        }),
  );
  const document: DocumentNode = { ...parsed, definitions };
  const operation = definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  return { document, operation, reads: () => reads };
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  return fragments;
}

const SIZES = [4, 8, 12, 16];

describe('walks over a document of fragments each spreading the next twice', () => {
  it('the rights walk (RIGHTS_DENIAL=request) reads each fragment once, and still finds the denial at the bottom', () => {
    const visits = SIZES.map((n) => {
      const { document, operation, reads } = counted(fragmentChain(n));
      const denied = forbiddenSelections({ schema, operation, fragments: fragmentsOf(document), variables: {} }, ANONYMOUS_PUBLIC);
      expect(denied).toEqual([{ field: 'Query.priceHistory', path: 'priceHistory', right: 'HISTORY' }]);
      return reads();
    });
    console.log(`rights walk: fragment reads for n = ${SIZES.join(', ')}: ${visits.join(', ')} (expanded: ${SIZES.map((n) => 2 ** n - 1).join(', ')})`);
    expect(visits).toEqual(SIZES);
  });

  it('the rights walk lists at most MAX_LISTED_DENIALS paths when fragments multiply the paths themselves', () => {
    // Each level doubles the distinct response paths (aliases a and b): 2^16 denied paths.
    const n = 16;
    const fragments: string[] = [];
    for (let i = 0; i < n - 1; i++) fragments.push(`fragment F${i} on Quote { a: company { quote { ...F${i + 1} } } b: company { quote { ...F${i + 1} } } }`);
    fragments.push(`fragment F${n - 1} on Quote { company { financials(statement: INCOME) { fiscalDate } } }`);
    const { document, operation, reads } = counted(`query A { quote(symbol: "AAPL") { ...F0 } } ${fragments.join(' ')}`);
    const denied = forbiddenSelections({ schema, operation, fragments: fragmentsOf(document), variables: {} }, ANONYMOUS_PUBLIC);
    expect(denied).toHaveLength(MAX_LISTED_DENIALS);
    expect(denied[0]).toEqual({ field: 'Company.financials', path: `quote.${'a.quote.'.repeat(n - 1)}company.financials`, right: 'FUNDAMENTALS' });
    expect(reads()).toBe(n);
  });

  it('the response cache policy reads each fragment once', () => {
    const visits = SIZES.map((n) => {
      const { document, operation, reads } = counted(fragmentChain(n, 'quote(symbol: "AAPL") { price }'));
      expect(cachePolicy(schema, document, operation)?.kinds).toEqual(['quote']);
      return reads();
    });
    expect(visits).toEqual(SIZES);
  });

  it('the depth and alias rules read each fragment a bounded number of times (validation walks it once more)', () => {
    const visits = SIZES.map((n) => {
      const { document, reads } = counted(fragmentChain(n, 'x: quote(symbol: "AAPL") { price }'));
      const errors = validate(schema, document, [depthLimitRule(10), aliasLimitRule(30)]);
      // 2^(n-1) aliases once spread: refused for n > 5, counted without expanding anything.
      expect(errors.map((error) => error.extensions['limit'])).toEqual(n > 5 ? ['maxAliases'] : []);
      return reads();
    });
    expect(visits).toEqual(SIZES.map((n) => 3 * n));
  });

  it('the node count of the cost limit reads each fragment once and refuses the 2^30 expansion without walking it', () => {
    const visits = [...SIZES, 30].map((n) => {
      const { document, operation, reads } = counted(fragmentChain(n, 'quote(symbol: "AAPL") { price }'));
      // Two selections in the bottom fragment, two spreads in every other: 2 × (2^n − 1) + 1 in all.
      expect(expandedSelections(schema, document, operation, {})).toBe(2 * (2 ** n - 1) + 1);
      return reads();
    });
    expect(visits).toEqual([...SIZES, 30]);
    const { document, operation, reads } = counted(fragmentChain(30));
    expect(priceOperation(schema, document, operation, {})).toEqual({ kind: 'too-many-nodes' });
    expect(reads()).toBe(30);
  });
});

describe('the node count', () => {
  it.each([
    ['a fragment chain', fragmentChain(8, 'quote(symbol: "AAPL") { price company { name } }'), {}],
    ['skipped and included branches', 'query A($on: Boolean = false) { ...F ...F @include(if: $on) skipped: quote(symbol: "A") @skip(if: true) { price } } fragment F on Query { quote(symbol: "B") { price ... on Quote { symbol } } }', {}],
    ['a variable that turns a branch on', 'query A($on: Boolean = false) { ...F @include(if: $on) } fragment F on Query { quote(symbol: "B") { price } }', { on: true }],
    ['an abstract type', '{ company(symbol: "A") { financials(statement: INCOME) { ...S ... on IncomeStatement { revenue } } } } fragment S on FinancialStatement { fiscalDate }', {}],
  ])('is the number graphql-query-complexity compares with maxQueryNodes: %s', (_name, source, variables) => {
    const document = parse(source);
    expect(validate(schema, document)).toEqual([]);
    const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    if (!operation) throw new Error('no operation');
    const count = expandedSelections(schema, document, operation, { on: false, ...variables });
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(MAX_QUERY_NODES);
    const price = (maxQueryNodes: number) => () => getComplexity({ schema, query: document, variables, estimators: [simpleEstimator({ defaultComplexity: 1 })], maxQueryNodes });
    // The library refuses once it has evaluated maxQueryNodes selections: exactly `count` of them.
    expect(price((count ?? 0) + 1)).not.toThrow();
    expect(price(count ?? 0)).toThrow(/maximum allowed number of nodes/);
  });
});
