import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';

/**
 * GraphQL documents for the fuzzer, drawn from the committed schema.graphql so they reach real
 * resolvers, real rights and real limits (a grammar of made-up names would stop at validation).
 * The generators make plain trees; `render` turns one into text and declares the variables it uses,
 * so most documents get past validation and the interesting ones exercise execution.
 */

export const SCHEMA = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

/** A value in argument or directive position: a literal, or a variable with the type its position wants. */
export type Value = { readonly lit: string } | { readonly variable: string; readonly type: string; readonly declare: 'right' | 'wrong' | 'missing' | 'defaulted' };
export interface Directive {
  readonly name: string;
  readonly arg?: Value;
}
export type Selection =
  | { readonly kind: 'field'; readonly alias?: string; readonly name: string; readonly args: ReadonlyArray<readonly [string, Value]>; readonly dirs: readonly Directive[]; readonly sub?: readonly Selection[] }
  | { readonly kind: 'inline'; readonly on?: string; readonly dirs: readonly Directive[]; readonly sub: readonly Selection[] }
  | { readonly kind: 'spread'; readonly name: string; readonly dirs: readonly Directive[] };
export interface Doc {
  readonly operation: 'query' | 'mutation' | 'subscription' | '';
  readonly name?: string;
  readonly selections: readonly Selection[];
  /** Fragments on the root type; fragment i spreads fragment i + 1 `fanout` times (the issue's explosion at fanout 2). */
  readonly chain: { readonly length: number; readonly fanout: number; readonly cycle: boolean };
  readonly extraOperation: boolean;
}

const VARIABLE_NAMES = ['a', 'b', 's', 'n', '__proto__'];

/** Strings that have bitten parsers and key builders: empty, unicode, control characters, escapes, huge. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('AAPL', 'MSFT', 'GDP', 'apple') },
  fc.constantFrom('', 'AAPL', 'aapl', 'BRK.B', '^GSPC', 'EURUSD=X', '__proto__', 'constructor', ' ', '\u0000', '💥', 'Ǎ̵̡', '\\', '"', '\n', '\ud800', 'A'.repeat(10)),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 1_000, max: 60_000 }).map((length) => 'X'.repeat(length)),
);

/** A literal of any kind, for an argument of the wrong type (or a made-up argument). */
const anyLiteral: fc.Arbitrary<string> = fc.oneof(
  nastyString.map((text) => JSON.stringify(text)),
  fc.integer().map(String),
  fc.constantFrom('1e309', '-0', '9007199254740993', '1.5', 'null', 'true', 'ANNUAL', 'NOPE', '{}', '{ a: 1 }', '[]', '[[["A"]]]', '"""block"""', '$undefined'),
);

function literalFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<string> {
  if (isNonNullType(type)) return literalFor(type.ofType, depth);
  if (isListType(type)) {
    // Lists past MAX_SYMBOLS_PER_LIST (200) too, and lists of one bare item (input coercion wraps it).
    return fc.oneof(
      fc.array(depth > 2 ? anyLiteral : literalFor(type.ofType, depth + 1), { maxLength: 5 }).map((items) => `[${items.join(', ')}]`),
      fc.integer({ min: 150, max: 400 }).map((count) => `[${Array.from({ length: count }, (_, index) => `"S${index}"`).join(',')}]`),
      literalFor(type.ofType, depth + 1),
    );
  }
  if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((value) => value.name)), fc.constantFrom('nope', '"ANNUAL"'));
  if (isInputObjectType(type)) return fc.constant('{}');
  switch (type.name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -5, max: 1_000 }).map(String), fc.constantFrom('2147483648', '-1', '0'));
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
    case 'Boolean':
      return fc.constantFrom('true', 'false');
    case 'Date':
      return fc.oneof(fc.constantFrom('"2024-01-31"', '"2026-12-02"', '"1900-01-01"', '"2024-02-30"', '"9999-12-31"'), nastyString.map((text) => JSON.stringify(text)));
    case 'DateTime':
      return fc.constantFrom('"2026-12-02T15:00:00Z"', '"yesterday"');
    default:
      return nastyString.map((text) => JSON.stringify(text));
  }
}

const declare = fc.constantFrom<'right' | 'wrong' | 'missing' | 'defaulted'>('right', 'right', 'right', 'wrong', 'missing', 'defaulted');

function valueFor(type: GraphQLInputType): fc.Arbitrary<Value> {
  return fc.oneof(
    { weight: 6, arbitrary: literalFor(type).map((lit): Value => ({ lit })) },
    { weight: 1, arbitrary: anyLiteral.map((lit): Value => ({ lit })) },
    { weight: 3, arbitrary: fc.record({ variable: fc.constantFrom(...VARIABLE_NAMES), type: fc.constant(String(type)), declare }) },
  );
}

const directive: fc.Arbitrary<Directive> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ name: fc.constantFrom('skip', 'include'), arg: valueFor(SCHEMA.getType('Boolean') as GraphQLInputType) }) },
  { weight: 1, arbitrary: fc.constantFrom<Directive>({ name: 'include' }, { name: 'deprecated' }, { name: 'requiresRight', arg: { lit: 'ADMIN' } }, { name: 'nope' }) },
);
const directives = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(directive, { minLength: 1, maxLength: 2 }) });
const alias = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('price', 'a', 'quote', '__typename', '_'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)) });

/** Arguments of a field: each right or wrong, sometimes left out (required ones too), sometimes one made up. */
function argumentsFor(field: GraphQLField<unknown, unknown>): fc.Arbitrary<ReadonlyArray<readonly [string, Value]>> {
  const each = field.args.map((arg) => fc.option(valueFor(arg.type).map((value) => [arg.name, value] as const), { nil: undefined, freq: 8 }));
  // fc.option's freq is the odds of nil (1 in freq): a made-up argument on one field in ten.
  const madeUp = fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: anyLiteral.map((lit) => ['bogus', { lit }] as const) });
  return fc.tuple(fc.tuple(...each), madeUp).map(([args, extra]) => [...args, extra].filter((arg): arg is readonly [string, Value] => arg !== undefined));
}

const memo = new Map<string, fc.Arbitrary<readonly Selection[]>>();

/** Selections on `type` with `depth` levels left (past the gateway's maxDepth of 10 at the top). */
function selections(type: GraphQLCompositeType, depth: number, fragments: boolean): fc.Arbitrary<readonly Selection[]> {
  const key = `${type.name}:${depth}:${fragments}`;
  const known = memo.get(key);
  if (known) return known;
  const fieldsOf = isObjectType(type) || 'getFields' in type ? Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()) : [];
  const fieldArbs = fieldsOf.map((field) => {
    const named: GraphQLNamedType = getNamedType(field.type);
    // A composite field without a selection (or a leaf with one) is a validation error worth sending now and then.
    const sub: fc.Arbitrary<readonly Selection[] | undefined> = isCompositeType(named) && depth > 0 ? fc.option(selections(named, depth - 1, false), { nil: undefined, freq: 30 }) : fc.constant(undefined);
    return fc.record({ kind: fc.constant('field' as const), alias, name: fc.constant(field.name), args: argumentsFor(field), dirs: directives, sub }, { requiredKeys: ['kind', 'name', 'args', 'dirs'] });
  });
  const other: Array<fc.Arbitrary<Selection>> = [
    fc.record({ kind: fc.constant('field' as const), alias, name: fc.constantFrom('__typename', 'nope', '__schema', '__type'), args: fc.constant([]), dirs: directives }, { requiredKeys: ['kind', 'name', 'args', 'dirs'] }),
  ];
  if (depth > 0) {
    const on = fc.option(fc.constantFrom(type.name, 'Quote', 'Company', 'IncomeStatement', 'Nope'), { nil: undefined });
    other.push(fc.record({ kind: fc.constant('inline' as const), on, dirs: directives, sub: fc.constant(null).chain(() => selections(type, depth - 1, false)) }, { requiredKeys: ['kind', 'dirs', 'sub'] }));
  }
  // The chain's head is spread by `render` itself (an unused fragment fails validation); these are extra.
  if (fragments) other.push(fc.record({ kind: fc.constant('spread' as const), name: fc.constantFrom('F0', 'F1', 'Nope'), dirs: directives }));
  // A union has no fields of its own: only __typename and inline fragments select on it.
  const one = fieldArbs.length > 0 ? fc.oneof({ weight: 5, arbitrary: fc.oneof(...fieldArbs) }, { weight: 1, arbitrary: fc.oneof(...other) }) : fc.oneof(...other);
  const result = fc.array(one, { minLength: 1, maxLength: 3, size: 'xsmall' });
  memo.set(key, result);
  return result;
}

const ROOTS = { query: SCHEMA.getQueryType(), mutation: SCHEMA.getMutationType(), subscription: SCHEMA.getSubscriptionType() };

/** A document on `root` (query and the shorthand by default), nested up to `maxDepth` levels. */
export function documents(roots: ReadonlyArray<Doc['operation']> = ['query', 'query', '', 'mutation', 'subscription'], maxDepth = 13): fc.Arbitrary<Doc> {
  return fc.record({ operation: fc.constantFrom(...roots), depth: fc.integer({ min: 0, max: maxDepth }) }).chain(({ operation, depth }) => {
    const root = ROOTS[operation === '' ? 'query' : operation];
    if (!root) throw new Error(`schema.graphql has no ${operation} type`);
    return fc.record({
      operation: fc.constant(operation),
      name: fc.option(fc.constantFrom('Q', 'Attack', '__proto__', 'constructor'), { nil: undefined }),
      selections: selections(root, depth, true),
      // Mostly no chain, so most documents reach execution; else up to 32 links, past the issue's 23.
      chain: fc.oneof(
        { weight: 3, arbitrary: fc.constant({ length: 0, fanout: 1, cycle: false }) },
        { weight: 1, arbitrary: fc.record({ length: fc.integer({ min: 1, max: 32 }), fanout: fc.integer({ min: 1, max: 3 }), cycle: fc.boolean() }) },
      ),
      extraOperation: fc.constantFrom(false, false, false, true),
    }, { requiredKeys: ['operation', 'selections', 'chain', 'extraOperation'] });
  });
}

/** The document's text: variable definitions from what it uses, then the operation, then the fragment chain. */
export function render(doc: Doc): string {
  const variables = new Map<string, string>();
  const value = (node: Value): string => {
    if ('lit' in node) return node.lit;
    if (!variables.has(node.variable) && node.declare !== 'missing') {
      const type = node.declare === 'wrong' ? '[Int]' : node.type;
      variables.set(node.variable, node.declare === 'defaulted' ? `${type.replace(/!$/, '')} = ${type.startsWith('Boolean') ? 'true' : 'null'}` : type);
    }
    return `$${node.variable}`;
  };
  const dirs = (list: readonly Directive[]): string => list.map((d) => ` @${d.name}${d.arg ? `(if: ${value(d.arg)})` : ''}`).join('');
  const selection = (node: Selection): string => {
    switch (node.kind) {
      case 'field': {
        const args = node.args.length > 0 ? `(${node.args.map(([name, arg]) => `${name}: ${value(arg)}`).join(', ')})` : '';
        return `${node.alias ? `${node.alias}: ` : ''}${node.name}${args}${dirs(node.dirs)}${node.sub ? ` { ${node.sub.map(selection).join(' ')} }` : ''}`;
      }
      case 'inline':
        return `...${node.on ? ` on ${node.on}` : ''}${dirs(node.dirs)} { ${node.sub.map(selection).join(' ')} }`;
      case 'spread':
        return `...${node.name}${dirs(node.dirs)}`;
    }
  };
  const body = `{ ${doc.selections.map(selection).join(' ')}${doc.chain.length > 0 ? ' ...F0' : ''} }`;
  const root = (doc.operation === '' ? 'query' : doc.operation).replace(/^./, (c) => c.toUpperCase());
  const { length, fanout, cycle } = doc.chain;
  const fragments = Array.from({ length }, (_, i) => {
    const next = i + 1 < length ? `F${i + 1}` : cycle ? 'F0' : undefined;
    return `fragment F${i} on ${root} { ${next ? Array.from({ length: fanout }, () => `...${next}`).join(' ') : '__typename'} }`;
  });
  const definitions = variables.size > 0 ? `(${[...variables].map(([name, type]) => `$${name}: ${type}`).join(', ')})` : '';
  const head = doc.operation === '' && definitions === '' && !doc.name ? '' : `${doc.operation || 'query'}${doc.name ? ` ${doc.name}` : ''}${definitions} `;
  const extra = doc.extraOperation ? ' query Other { __typename }' : '';
  return `${head}${body}${extra} ${fragments.join(' ')}`.trim();
}

/**
 * Valid documents over the whole graph, so a good share of runs executes (a generated document
 * usually has one invalid part somewhere) with whatever variables and credentials the run drew.
 */
export const validDocuments: fc.Arbitrary<string> = fc.constantFrom(
  'query Q($s: String!) { quote(symbol: $s) { symbol price delayed age stale source company { name sector } } }',
  'query Q($a: [String!]!) { quotes(symbols: $a) { symbol price } }',
  'query Q($s: String!, $b: Boolean = true) { quote(symbol: $s) @include(if: $b) { price } company(symbol: $s) { name quote { price } } }',
  '{ search(query: "app", limit: 5) { symbol company { name } } }',
  '{ priceHistory(symbol: "AAPL", from: "2026-11-01", to: "2026-12-01") { close volume } }',
  '{ financials(symbol: "AAPL", statement: INCOME, limit: 2) { fiscalDate ... on IncomeStatement { revenue netIncome } } }',
  '{ economicSeries(id: "GDP") { id } providers { __typename } }',
  'fragment P on Quote { price } query Q { a: quote(symbol: "AAPL") { ...P } b: quote(symbol: "MSFT") { ...P } }',
);

/** Text that is not a document, or a document cut or spliced at random. */
export function garbage(documentText: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', '{', '}', '{{{{', '# comment only', 'query', '"unterminated', '{ a'.repeat(3_000), '{'.repeat(10_000), 'fragment F on Query { ...F }'),
    fc.tuple(documentText, fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })).map(([text, at, splice]) => text.slice(0, at % (text.length + 1)) + splice + text.slice(at % (text.length + 1))),
  );
}
