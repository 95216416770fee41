import {
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isAnswerTime } from '../../graphql/types/provenance.js';
import type { CacheKind } from '../../domain/index.js';

/**
 * What each object type of the schema is, for the response cache: a kind of market data with its
 * own freshness (`CACHE_TTL_*`), `part` of its parent's data (no freshness of its own), or `live`
 * (provider health, anything answered from process state): never cached.
 *
 * By type rather than by field, so a new field that returns a `Quote` anywhere in the graph brings
 * the quote freshness with it; a type missing from this table makes any operation that selects it
 * uncacheable (fail closed), and test/cache/response-cache-policy.test.ts fails until it is listed.
 */
export const TYPE_CLASSES: Readonly<Record<string, CacheKind | 'part' | 'live'>> = {
  Query: 'part',
  Quote: 'quote',
  Company: 'profile',
  FinancialStatement: 'statements',
  IncomeStatement: 'statements',
  BalanceSheet: 'statements',
  CashFlowStatement: 'statements',
  Bar: 'history',
  BarProblem: 'part',
  SymbolMatch: 'search',
  EconomicSeries: 'economicSeries',
  EconomicObservation: 'part',
  ProviderStatus: 'live',
  MarketStatus: 'live',
  // Graded when the answer was made: a cached quote carries that moment's grade as it carries that moment's price.
  Quality: 'part',
  QualityDimensionScore: 'part',
  GradeCount: 'live',
  // A consensus is a fresh call to every provider by definition: never answered from the cache.
  QuoteConsensus: 'live',
  ConsensusSource: 'live',
  SourceError: 'live',
  BreakerStatus: 'live',
  ProviderCallWindow: 'live',
  ProviderKeyStatus: 'live',
  AuditEntry: 'live',
  Mutation: 'live',
  Subscription: 'live',
};

/** A query the response cache may keep: the kinds of data its answer is made of. */
export interface CachePolicy {
  readonly kinds: readonly CacheKind[];
}

/**
 * Apollo keeps one parsed document per distinct query text, so the verdict is worked out once per
 * operation and read from here on every later request.
 */
const verdicts = new WeakMap<OperationDefinitionNode, CachePolicy | null>();

/**
 * The policy of an operation, or `undefined` when its answer must not be cached: mutations and
 * subscriptions, introspection, anything reaching a `live` or unlisted type, any field whose value
 * is of the moment of answering (`age`, marked by its extensions), and queries that read no market
 * data at all. Every selection is walked (fragments and `@skip`/`@include` branches included), so
 * a kind reachable anywhere in the document counts.
 */
export function cachePolicy(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CachePolicy | undefined {
  let verdict = verdicts.get(operation);
  if (verdict === undefined) {
    verdict = judge(schema, document, operation);
    verdicts.set(operation, verdict);
  }
  return verdict ?? undefined;
}

function judge(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CachePolicy | null {
  const root = schema.getQueryType();
  if (operation.operation !== 'query' || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const kinds = new Set<CacheKind>();
  const walker = { schema, fragments, kinds, seen: new Set<string>() };
  if (!walk(walker, operation.selectionSet, root)) return null;
  return kinds.size === 0 ? null : { kinds: [...kinds] };
}

interface Walker {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly kinds: Set<CacheKind>;
  /** Fragments already walked: a fragment adds the same kinds wherever it is spread. */
  readonly seen: Set<string>;
}

/** False as soon as something uncacheable is selected. */
function walk(walker: Walker, selectionSet: SelectionSetNode, parent: GraphQLCompositeType): boolean {
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        if (name === '__typename') continue;
        // Introspection (`__schema`, `__type`) and unions (which have no fields of their own) end here.
        if (!isObjectType(parent) && !isInterfaceType(parent)) return false;
        const field = parent.getFields()[name];
        if (!field) return false;
        // A value of the moment of answering (`age`) would be replayed frozen from a stored response.
        if (isAnswerTime(field.extensions)) return false;
        const type = getNamedType(field.type);
        if (!isCompositeType(type)) continue;
        if (!classify(walker, type) || !selection.selectionSet || !walk(walker, selection.selectionSet, type)) return false;
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const type = selection.typeCondition ? walker.schema.getType(selection.typeCondition.name.value) : parent;
        if (!type || !isCompositeType(type) || !classify(walker, type) || !walk(walker, selection.selectionSet, type)) return false;
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (walker.seen.has(name)) continue;
        walker.seen.add(name);
        const fragment = walker.fragments.get(name);
        const type = fragment && walker.schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !type || !isCompositeType(type) || !classify(walker, type) || !walk(walker, fragment.selectionSet, type)) return false;
        break;
      }
    }
  }
  return true;
}

/** Adds the type's kind; false when the type is live or unknown to the table. */
function classify(walker: Walker, type: GraphQLCompositeType): boolean {
  const verdict = TYPE_CLASSES[type.name];
  if (verdict === undefined || verdict === 'live') return false;
  if (verdict !== 'part') walker.kinds.add(verdict);
  return true;
}
