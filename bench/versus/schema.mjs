// The schema the peers of bench/versus.mjs serve: the part of marketgraph's schema.graphql that the
// bench's two documents select, with the real names, types, nullability and argument defaults, so a
// peer parses and validates exactly the documents the gateway does. Its resolvers answer from the
// gateway's own answers (an in-memory Map keyed by symbol), so a peer's `data` equals the gateway's
// and the comparison is about serving, not about what is served.
import { readFile } from 'node:fs/promises';
import { buildSchema, isInterfaceType, isObjectType } from 'graphql';

// Copied from schema.graphql (descriptions and @requiresRight left out: the peers check no rights).
// assertSameShape() below fails the bench if schema.graphql moves away from this.
export const PEER_SDL = /* GraphQL */ `
  scalar Date
  scalar DateTime
  scalar SafeInt

  enum StatementType { INCOME BALANCE CASH_FLOW }
  enum Period { ANNUAL QUARTERLY }

  type Query {
    quote(symbol: String!): Quote
    quotes(symbols: [String!]!): [Quote]
  }

  type Quote {
    symbol: String!
    price: Float!
    change: Float!
    changePercent: Float!
    open: Float
    high: Float
    low: Float
    previousClose: Float
    volume: SafeInt
    timestamp: DateTime!
    source: String!
    stale: Boolean!
    company: Company
  }

  type Company {
    name: String!
    sector: String
    marketCap: Float
    financials(statement: StatementType!, period: Period = ANNUAL, limit: Int = 4): [FinancialStatement!]
  }

  interface FinancialStatement {
    fiscalPeriod: String
  }

  type IncomeStatement implements FinancialStatement {
    fiscalPeriod: String
    revenue: Float
    netIncome: Float
  }
`;

/** Each field's type and arguments as SDL text, so two schemas compare as strings. */
const fieldShape = (field) => {
  const args = field.args.map((arg) => `${arg.name}: ${arg.type}${arg.defaultValue === undefined ? '' : ` = ${JSON.stringify(arg.defaultValue)}`}`);
  return args.length > 0 ? `${field.type} (${args.join(', ')})` : String(field.type);
};

/**
 * Throws unless every type, field and enum of PEER_SDL is in `realSdl` (schema.graphql) with the
 * same type, arguments and defaults: the peers must refuse and accept the same documents.
 */
export function assertSameShape(realSdl) {
  const real = buildSchema(realSdl);
  const peer = buildSchema(PEER_SDL);
  const differences = [];
  for (const [name, type] of Object.entries(peer.getTypeMap())) {
    if (name.startsWith('__')) continue;
    const other = real.getType(name);
    if (!other || other.constructor !== type.constructor) {
      differences.push(`${name}: not the same kind of type in schema.graphql`);
      continue;
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      const realFields = other.getFields();
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        const realField = realFields[fieldName];
        if (!realField) differences.push(`${name}.${fieldName}: missing in schema.graphql`);
        else if (fieldShape(realField) !== fieldShape(field)) differences.push(`${name}.${fieldName}: ${fieldShape(field)} here, ${fieldShape(realField)} in schema.graphql`);
      }
      if (isObjectType(type)) {
        const interfaces = (t) => t.getInterfaces().map(String).join(',');
        if (interfaces(type) !== interfaces(other)) differences.push(`${name}: implements ${interfaces(type)} here, ${interfaces(other)} in schema.graphql`);
      }
    } else if ('getValues' in type) {
      const values = (t) => t.getValues().map((value) => value.name).join(',');
      if (values(type) !== values(other)) differences.push(`${name}: ${values(type)} here, ${values(other)} in schema.graphql`);
    }
  }
  if (differences.length > 0) throw new Error(`the peers' schema is not the gateway's:\n  ${differences.join('\n  ')}`);
}

/**
 * The answers file the bench writes: `{ contentType, answers: [{ name, body, text, data }] }`, the
 * gateway's answer `text` (exact bytes) and parsed `data` for each request `body`.
 */
export async function readAnswers(path) {
  if (!path) throw new Error('usage: node <peer>.mjs ANSWERS.json');
  return JSON.parse(await readFile(path, 'utf8'));
}

/**
 * The peer schema with resolvers over one Map of quotes keyed by symbol, merged from every answer
 * (the `quote` answer gives AAPL's scalar fields, the dashboard's gives five quotes with their
 * company): the same quote object answers both documents, as the gateway's cache does.
 */
export function peerSchema(answers) {
  const quotes = new Map();
  const add = (quote) => {
    if (quote) quotes.set(quote.symbol, { ...quotes.get(quote.symbol), ...quote });
  };
  for (const { data } of answers) {
    add(data.quote);
    for (const quote of data.quotes ?? []) add(quote);
  }
  const schema = buildSchema(PEER_SDL);
  const query = schema.getQueryType().getFields();
  query.quote.resolve = (_, { symbol }) => quotes.get(symbol) ?? null;
  query.quotes.resolve = (_, { symbols }) => symbols.map((symbol) => quotes.get(symbol) ?? null);
  // The answers hold INCOME/QUARTERLY statements only (the dashboard's arguments); `limit` is
  // still honoured, as a resolver that reads a store would.
  schema.getType('Company').getFields().financials.resolve = (company, { limit }) => company.financials?.slice(0, limit) ?? null;
  // Only income statements are selected: the one concrete type the answers hold.
  schema.getType('FinancialStatement').resolveType = () => 'IncomeStatement';
  return schema;
}

/** Prints the port once listening: the bench reads this line to know the peer is up. */
export function announce(port) {
  process.stdout.write(`${port}\n`);
}
