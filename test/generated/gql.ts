/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Watchlist($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    changePercent\n    stale\n    company {\n      name\n      sector\n      marketCap\n      financials(statement: INCOME, period: QUARTERLY, limit: 4) {\n        fiscalPeriod\n        ... on IncomeStatement {\n          revenue\n          netIncome\n        }\n      }\n    }\n  }\n}": typeof types.WatchlistDocument,
    "query Company($symbol: String!) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    industry\n    country\n    currency\n    description\n    marketCap\n    source\n    quote {\n      price\n    }\n    financials(statement: INCOME, period: ANNUAL, limit: 2) {\n      fiscalDate\n      ... on IncomeStatement {\n        revenue\n        netIncome\n      }\n    }\n  }\n}": typeof types.CompanyDocument,
    "query EconomicSeries($id: String!, $from: Date, $to: Date) {\n  economicSeries(id: $id, from: $from, to: $to) {\n    id\n    title\n    units\n    frequency\n    observations {\n      date\n      value\n    }\n    source\n    asOf\n    stale\n  }\n}": typeof types.EconomicSeriesDocument,
    "query Financials($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  financials(\n    symbol: $symbol\n    statement: $statement\n    period: $period\n    limit: $limit\n  ) {\n    __typename\n    symbol\n    fiscalDate\n    fiscalPeriod\n    period\n    currency\n    source\n    ... on IncomeStatement {\n      revenue\n      costOfRevenue\n      grossProfit\n      operatingIncome\n      netIncome\n      eps\n    }\n    ... on BalanceSheet {\n      totalAssets\n      totalLiabilities\n      totalEquity\n      cash\n      totalDebt\n    }\n    ... on CashFlowStatement {\n      operatingCashFlow\n      capitalExpenditure\n      freeCashFlow\n    }\n  }\n}": typeof types.FinancialsDocument,
    "query PriceHistory($symbol: String!, $from: Date, $to: Date, $interval: Interval) {\n  priceHistory(symbol: $symbol, from: $from, to: $to, interval: $interval) {\n    date\n    open\n    high\n    low\n    close\n    volume\n  }\n}": typeof types.PriceHistoryDocument,
    "query HttpQuoteAllFields($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    asOf\n    stale\n  }\n}\n\nquery HttpCompanyGraph($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    marketCap\n    source\n    stale\n    quote {\n      symbol\n      price\n      source\n    }\n    financials(statement: $statement, period: $period, limit: $limit) {\n      __typename\n      symbol\n      fiscalDate\n      period\n    }\n  }\n}\n\nquery HttpObservedProbe {\n  providers {\n    id\n  }\n}\n\nquery HttpLogSentinel {\n  providers {\n    id\n  }\n}": typeof types.HttpQuoteAllFieldsDocument,
    "query Providers {\n  providers {\n    id\n    name\n    capabilities\n    enabled\n  }\n}": typeof types.ProvidersDocument,
    "query Quote($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    stale\n  }\n}\n\nquery Quotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    source\n    stale\n  }\n}\n\nquery QuoteWithCompany($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    company {\n      name\n      sector\n    }\n  }\n}": typeof types.QuoteDocument,
    "query Search($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    name\n    exchange\n    type\n  }\n}\n\nquery SearchWithQuotes($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    company {\n      name\n      quote {\n        price\n      }\n    }\n  }\n}": typeof types.SearchDocument,
    "subscription LiveQuotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    timestamp\n    source\n  }\n}": typeof types.LiveQuotesDocument,
};
const documents: Documents = {
    "query Watchlist($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    changePercent\n    stale\n    company {\n      name\n      sector\n      marketCap\n      financials(statement: INCOME, period: QUARTERLY, limit: 4) {\n        fiscalPeriod\n        ... on IncomeStatement {\n          revenue\n          netIncome\n        }\n      }\n    }\n  }\n}": types.WatchlistDocument,
    "query Company($symbol: String!) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    industry\n    country\n    currency\n    description\n    marketCap\n    source\n    quote {\n      price\n    }\n    financials(statement: INCOME, period: ANNUAL, limit: 2) {\n      fiscalDate\n      ... on IncomeStatement {\n        revenue\n        netIncome\n      }\n    }\n  }\n}": types.CompanyDocument,
    "query EconomicSeries($id: String!, $from: Date, $to: Date) {\n  economicSeries(id: $id, from: $from, to: $to) {\n    id\n    title\n    units\n    frequency\n    observations {\n      date\n      value\n    }\n    source\n    asOf\n    stale\n  }\n}": types.EconomicSeriesDocument,
    "query Financials($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  financials(\n    symbol: $symbol\n    statement: $statement\n    period: $period\n    limit: $limit\n  ) {\n    __typename\n    symbol\n    fiscalDate\n    fiscalPeriod\n    period\n    currency\n    source\n    ... on IncomeStatement {\n      revenue\n      costOfRevenue\n      grossProfit\n      operatingIncome\n      netIncome\n      eps\n    }\n    ... on BalanceSheet {\n      totalAssets\n      totalLiabilities\n      totalEquity\n      cash\n      totalDebt\n    }\n    ... on CashFlowStatement {\n      operatingCashFlow\n      capitalExpenditure\n      freeCashFlow\n    }\n  }\n}": types.FinancialsDocument,
    "query PriceHistory($symbol: String!, $from: Date, $to: Date, $interval: Interval) {\n  priceHistory(symbol: $symbol, from: $from, to: $to, interval: $interval) {\n    date\n    open\n    high\n    low\n    close\n    volume\n  }\n}": types.PriceHistoryDocument,
    "query HttpQuoteAllFields($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    asOf\n    stale\n  }\n}\n\nquery HttpCompanyGraph($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    marketCap\n    source\n    stale\n    quote {\n      symbol\n      price\n      source\n    }\n    financials(statement: $statement, period: $period, limit: $limit) {\n      __typename\n      symbol\n      fiscalDate\n      period\n    }\n  }\n}\n\nquery HttpObservedProbe {\n  providers {\n    id\n  }\n}\n\nquery HttpLogSentinel {\n  providers {\n    id\n  }\n}": types.HttpQuoteAllFieldsDocument,
    "query Providers {\n  providers {\n    id\n    name\n    capabilities\n    enabled\n  }\n}": types.ProvidersDocument,
    "query Quote($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    stale\n  }\n}\n\nquery Quotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    source\n    stale\n  }\n}\n\nquery QuoteWithCompany($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    company {\n      name\n      sector\n    }\n  }\n}": types.QuoteDocument,
    "query Search($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    name\n    exchange\n    type\n  }\n}\n\nquery SearchWithQuotes($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    company {\n      name\n      quote {\n        price\n      }\n    }\n  }\n}": types.SearchDocument,
    "subscription LiveQuotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    timestamp\n    source\n  }\n}": types.LiveQuotesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Watchlist($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    changePercent\n    stale\n    company {\n      name\n      sector\n      marketCap\n      financials(statement: INCOME, period: QUARTERLY, limit: 4) {\n        fiscalPeriod\n        ... on IncomeStatement {\n          revenue\n          netIncome\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Watchlist($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    changePercent\n    stale\n    company {\n      name\n      sector\n      marketCap\n      financials(statement: INCOME, period: QUARTERLY, limit: 4) {\n        fiscalPeriod\n        ... on IncomeStatement {\n          revenue\n          netIncome\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Company($symbol: String!) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    industry\n    country\n    currency\n    description\n    marketCap\n    source\n    quote {\n      price\n    }\n    financials(statement: INCOME, period: ANNUAL, limit: 2) {\n      fiscalDate\n      ... on IncomeStatement {\n        revenue\n        netIncome\n      }\n    }\n  }\n}"): (typeof documents)["query Company($symbol: String!) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    industry\n    country\n    currency\n    description\n    marketCap\n    source\n    quote {\n      price\n    }\n    financials(statement: INCOME, period: ANNUAL, limit: 2) {\n      fiscalDate\n      ... on IncomeStatement {\n        revenue\n        netIncome\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EconomicSeries($id: String!, $from: Date, $to: Date) {\n  economicSeries(id: $id, from: $from, to: $to) {\n    id\n    title\n    units\n    frequency\n    observations {\n      date\n      value\n    }\n    source\n    asOf\n    stale\n  }\n}"): (typeof documents)["query EconomicSeries($id: String!, $from: Date, $to: Date) {\n  economicSeries(id: $id, from: $from, to: $to) {\n    id\n    title\n    units\n    frequency\n    observations {\n      date\n      value\n    }\n    source\n    asOf\n    stale\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Financials($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  financials(\n    symbol: $symbol\n    statement: $statement\n    period: $period\n    limit: $limit\n  ) {\n    __typename\n    symbol\n    fiscalDate\n    fiscalPeriod\n    period\n    currency\n    source\n    ... on IncomeStatement {\n      revenue\n      costOfRevenue\n      grossProfit\n      operatingIncome\n      netIncome\n      eps\n    }\n    ... on BalanceSheet {\n      totalAssets\n      totalLiabilities\n      totalEquity\n      cash\n      totalDebt\n    }\n    ... on CashFlowStatement {\n      operatingCashFlow\n      capitalExpenditure\n      freeCashFlow\n    }\n  }\n}"): (typeof documents)["query Financials($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  financials(\n    symbol: $symbol\n    statement: $statement\n    period: $period\n    limit: $limit\n  ) {\n    __typename\n    symbol\n    fiscalDate\n    fiscalPeriod\n    period\n    currency\n    source\n    ... on IncomeStatement {\n      revenue\n      costOfRevenue\n      grossProfit\n      operatingIncome\n      netIncome\n      eps\n    }\n    ... on BalanceSheet {\n      totalAssets\n      totalLiabilities\n      totalEquity\n      cash\n      totalDebt\n    }\n    ... on CashFlowStatement {\n      operatingCashFlow\n      capitalExpenditure\n      freeCashFlow\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PriceHistory($symbol: String!, $from: Date, $to: Date, $interval: Interval) {\n  priceHistory(symbol: $symbol, from: $from, to: $to, interval: $interval) {\n    date\n    open\n    high\n    low\n    close\n    volume\n  }\n}"): (typeof documents)["query PriceHistory($symbol: String!, $from: Date, $to: Date, $interval: Interval) {\n  priceHistory(symbol: $symbol, from: $from, to: $to, interval: $interval) {\n    date\n    open\n    high\n    low\n    close\n    volume\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query HttpQuoteAllFields($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    asOf\n    stale\n  }\n}\n\nquery HttpCompanyGraph($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    marketCap\n    source\n    stale\n    quote {\n      symbol\n      price\n      source\n    }\n    financials(statement: $statement, period: $period, limit: $limit) {\n      __typename\n      symbol\n      fiscalDate\n      period\n    }\n  }\n}\n\nquery HttpObservedProbe {\n  providers {\n    id\n  }\n}\n\nquery HttpLogSentinel {\n  providers {\n    id\n  }\n}"): (typeof documents)["query HttpQuoteAllFields($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    asOf\n    stale\n  }\n}\n\nquery HttpCompanyGraph($symbol: String!, $statement: StatementType!, $period: Period, $limit: Int) {\n  company(symbol: $symbol) {\n    symbol\n    name\n    exchange\n    sector\n    marketCap\n    source\n    stale\n    quote {\n      symbol\n      price\n      source\n    }\n    financials(statement: $statement, period: $period, limit: $limit) {\n      __typename\n      symbol\n      fiscalDate\n      period\n    }\n  }\n}\n\nquery HttpObservedProbe {\n  providers {\n    id\n  }\n}\n\nquery HttpLogSentinel {\n  providers {\n    id\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Providers {\n  providers {\n    id\n    name\n    capabilities\n    enabled\n  }\n}"): (typeof documents)["query Providers {\n  providers {\n    id\n    name\n    capabilities\n    enabled\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Quote($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    stale\n  }\n}\n\nquery Quotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    source\n    stale\n  }\n}\n\nquery QuoteWithCompany($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    company {\n      name\n      sector\n    }\n  }\n}"): (typeof documents)["query Quote($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    change\n    changePercent\n    open\n    high\n    low\n    previousClose\n    volume\n    timestamp\n    source\n    stale\n  }\n}\n\nquery Quotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    source\n    stale\n  }\n}\n\nquery QuoteWithCompany($symbol: String!) {\n  quote(symbol: $symbol) {\n    symbol\n    price\n    company {\n      name\n      sector\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Search($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    name\n    exchange\n    type\n  }\n}\n\nquery SearchWithQuotes($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    company {\n      name\n      quote {\n        price\n      }\n    }\n  }\n}"): (typeof documents)["query Search($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    name\n    exchange\n    type\n  }\n}\n\nquery SearchWithQuotes($query: String!, $limit: Int) {\n  search(query: $query, limit: $limit) {\n    symbol\n    company {\n      name\n      quote {\n        price\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription LiveQuotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    timestamp\n    source\n  }\n}"): (typeof documents)["subscription LiveQuotes($symbols: [String!]!) {\n  quotes(symbols: $symbols) {\n    symbol\n    price\n    timestamp\n    source\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;