import { getVariableValues, GraphQLError, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { fanOutOf } from './fan-out.js';
import { expandedSelections } from './node-count.js';

/** Most fields evaluated once fragments are expanded; past it the document is refused unpriced. */
export const MAX_QUERY_NODES = 10_000;

/** What pricing an operation found. */
export type Pricing =
  | {
      readonly kind: 'priced';
      readonly cost: number;
      /** The longest `symbols:` list asked, and on which field. */
      readonly longestSymbols: { readonly field: string; readonly count: number } | undefined;
    }
  /** Fragments expand to more than MAX_QUERY_NODES fields. */
  | { readonly kind: 'too-many-nodes' }
  /** Variables that do not fit the operation: execution reports them, with their own code. */
  | { readonly kind: 'bad-variables' };

/**
 * The cost of an operation: every field costs 1 plus what it selects; a field with a `symbols:`
 * list counts once per symbol, and one with `limit:` once per item it may return (its default
 * when not given). Introspection fields are free (the introspection switch governs them). So
 * `quotes(symbols: [200 symbols]) { symbol price }` costs 600, and
 * `search(limit: 100) { company { financials(limit: 40) { revenue } } }` 100 × (1 + 1 + 40 × 2) + …
 * A field that asks every provider (`quoteConsensus`, limits/fan-out.ts) counts once per provider.
 */
export function priceOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Pricing {
  // Counted first, linearly: the library would expand the fragments up to MAX_QUERY_NODES steps.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  const nodes = coerced.errors ? undefined : expandedSelections(schema, document, operation, coerced.coerced);
  if (nodes !== undefined && nodes >= MAX_QUERY_NODES) return { kind: 'too-many-nodes' };
  const operationName = operation.name?.value;
  let longestSymbols: { field: string; count: number } | undefined;
  const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__') || type.name.startsWith('__')) return 0;
    // A field that calls every provider (quoteConsensus) counts once per provider it may call.
    const own = (1 + childComplexity) * fanOutOf(field.extensions);
    const symbols: unknown = args['symbols'];
    if (Array.isArray(symbols)) {
      if (!longestSymbols || symbols.length > longestSymbols.count) longestSymbols = { field: `${type.name}.${field.name}`, count: symbols.length };
      return own * Math.max(1, symbols.length);
    }
    if ('limit' in args) {
      const given: unknown = args['limit'];
      // An explicit null means the default, as the resolvers read it.
      const limit = typeof given === 'number' ? given : field.args.find((arg) => arg.name === 'limit')?.defaultValue;
      if (typeof limit === 'number') return own * Math.max(1, limit);
    }
    return own;
  };
  try {
    const cost = getComplexity({
      schema,
      query: document,
      variables: variables as Record<string, unknown>,
      ...(operationName ? { operationName } : {}),
      estimators: [estimator],
      maxQueryNodes: MAX_QUERY_NODES,
    });
    return { kind: 'priced', cost, longestSymbols };
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return { kind: 'too-many-nodes' };
    if (error instanceof GraphQLError) return { kind: 'bad-variables' };
    throw error;
  }
}

const CACHE_PER_OPERATION = 64;

/**
 * Prices an operation at most once per (document, values of the variables that change its
 * price): only variables used in a `symbols:`, `limit:` or `@include/@skip(if:)` argument do.
 * So the usual operation (`quote(symbol: $symbol)`) is priced once whatever symbol it asks, and
 * limits cost the hot path a map lookup. Documents are Apollo's parsed, cached instances.
 */
export class PriceCache {
  private readonly byOperation = new WeakMap<OperationDefinitionNode, { readonly variables: readonly string[]; readonly prices: Map<string, Pricing> }>();

  constructor(private readonly schema: GraphQLSchema) {}

  price(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Pricing {
    let entry = this.byOperation.get(operation);
    if (!entry) {
      entry = { variables: pricedVariables(document), prices: new Map() };
      this.byOperation.set(operation, entry);
    }
    // A list prices by its length alone, so `quotes(symbols: $s)` is priced once per length.
    const key = entry.variables.length === 0 ? '' : JSON.stringify(entry.variables.map((name) => priceRelevant(variables[name])));
    const known = entry.prices.get(key);
    if (known) return known;
    const pricing = priceOperation(this.schema, document, operation, variables);
    if (pricing.kind === 'bad-variables') return pricing;
    if (entry.prices.size >= CACHE_PER_OPERATION) entry.prices.clear();
    entry.prices.set(key, pricing);
    return pricing;
  }
}

const PRICED_ARGUMENTS = new Set(['symbols', 'limit', 'if']);

function priceRelevant(value: unknown): unknown {
  return Array.isArray(value) ? { length: value.length } : (value ?? null);
}

/** Names of the variables the price depends on, anywhere in the document. */
function pricedVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(argument) {
      if (!PRICED_ARGUMENTS.has(argument.name.value)) return false;
      visit(argument.value, {
        Variable(variable) {
          names.add(variable.name.value);
        },
      });
      return false;
    },
  });
  return [...names].sort();
}
