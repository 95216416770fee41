import type { CompanyProfile, Quote } from '../../domain/index.js';
import type { Snapshot } from './instrument.js';
import { PROVIDER_ID } from './market.js';
import { toCents } from './prices.js';

/** A snapshot as the domain's quote: cents for prices, four decimals for the percent change. */
export function quoteOf(symbol: string, snapshot: Snapshot): Quote {
  const { session } = snapshot;
  const price = toCents(snapshot.logPrice);
  const previousClose = toCents(session.logPreviousClose);
  // Differences of whole cents, so change is exactly price − previousClose to the cent.
  const changeCents = Math.round(price * 100) - Math.round(previousClose * 100);
  return {
    symbol,
    price,
    change: changeCents / 100,
    changePercent: Math.round((changeCents / previousClose) * 1e4) / 1e4,
    open: toCents(session.logOpen),
    high: toCents(snapshot.logHigh),
    low: toCents(snapshot.logLow),
    previousClose,
    volume: snapshot.volume,
    timestamp: new Date(snapshot.timeMs),
    source: PROVIDER_ID,
    asOf: new Date(snapshot.timeMs),
    stale: false,
  };
}

/** A listing's profile; its market cap follows the simulated price at the snapshot. */
export function profileOf(symbol: string, snapshot: Snapshot, asOf: Date): CompanyProfile {
  const { listing } = snapshot;
  return {
    symbol,
    name: listing.name,
    exchange: listing.exchange,
    sector: listing.sector,
    industry: listing.industry,
    country: listing.country,
    currency: listing.currency,
    description: listing.description,
    marketCap: Math.round(listing.sharesOutstanding * toCents(snapshot.logPrice)),
    source: PROVIDER_ID,
    asOf,
    stale: false,
  };
}
