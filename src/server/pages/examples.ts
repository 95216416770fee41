/** An operation the console offers to fill in: valid against the served schema (test/e2e/browser-pages.test.ts checks). */
export interface ExampleOperation {
  readonly title: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    title: 'quote',
    query: `query Quote($symbol: String!) {
  quote(symbol: $symbol) {
    symbol
    price
    change
    changePercent
    timestamp
    source
    delayed
    stale
  }
}`,
    variables: { symbol: 'AAPL' },
  },
  {
    title: 'quotes',
    query: `# One bad symbol is one null and one error; the rest of the list still answers.
query Quotes($symbols: [String!]!) {
  quotes(symbols: $symbols) {
    symbol
    price
    changePercent
    delayed
  }
}`,
    variables: { symbols: ['AAPL', 'MSFT', 'NVDA'] },
  },
  {
    title: 'priceHistory',
    query: `query PriceHistory($symbol: String!) {
  priceHistory(symbol: $symbol, interval: WEEK) {
    date
    open
    high
    low
    close
    volume
  }
}`,
    variables: { symbol: 'MSFT' },
  },
  {
    title: 'company',
    query: `query Company($symbol: String!) {
  company(symbol: $symbol) {
    name
    exchange
    sector
    industry
    marketCap
    quote {
      price
      changePercent
    }
  }
}`,
    variables: { symbol: 'AAPL' },
  },
  {
    title: 'subscription',
    query: `# Live quotes run over graphql-ws on the same URL (the console opens the WebSocket);
# they need the STREAMING right. Press Stop to end.
subscription LiveQuotes($symbols: [String!]!) {
  quotes(symbols: $symbols) {
    symbol
    price
    change
    timestamp
  }
}`,
    variables: { symbols: ['AAPL'] },
  },
];
