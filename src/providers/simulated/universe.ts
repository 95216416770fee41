import { EQUITY_ROWS, ETF_ROWS, type Exchange, type ListingRow } from './listings.js';
import { SECTOR_PROFILES, SECTORS, type Sector, type SectorProfile } from './sectors.js';

/** One tradable instrument of the simulated market, with everything that drives its simulation. */
export interface Listing {
  readonly symbol: string;
  readonly name: string;
  readonly type: 'EQUITY' | 'ETF';
  readonly exchange: Exchange;
  readonly sector: Sector | null;
  readonly industry: string;
  readonly country: string;
  readonly currency: string;
  readonly description: string;
  /** USD, whole units, at the anchor date (for an ETF, its assets under management). */
  readonly marketCap: number;
  /** The split-adjusted price the simulated path is pinned to at the anchor date. */
  readonly anchorPrice: number;
  readonly sharesOutstanding: number;
  /** Annualised volatility of daily log returns. */
  readonly volatility: number;
  readonly beta: number;
  /** Month (1–12) the fiscal year ends in. */
  readonly fiscalYearEnd: number;
  /** Whose randomness this listing draws: itself, or the primary class of the same issuer. */
  readonly issuer: string;
  /** The shape of the books; null for funds, which file no statements. */
  readonly books: SectorProfile | null;
}

const ETF_BETA: Readonly<Record<string, number>> = { SPY: 1, QQQ: 1.2 };

function equityListing(sector: Sector, row: ListingRow): Listing {
  const [symbol, name, exchange, industry, capBillions, price, description, tweaks = {}] = row;
  const base = SECTOR_PROFILES[sector];
  const books: SectorProfile = {
    ...base,
    volatility: tweaks.volatility ?? base.volatility,
    priceToSales: tweaks.priceToSales ?? base.priceToSales,
    netMargin: tweaks.netMargin ?? base.netMargin,
    payoutRatio: tweaks.payoutRatio ?? base.payoutRatio,
    liabilitiesToAssets: tweaks.liabilitiesToAssets ?? base.liabilitiesToAssets,
    assetsToRevenue: tweaks.assetsToRevenue ?? base.assetsToRevenue,
  };
  const marketCap = capBillions * 1e9;
  return {
    symbol,
    name,
    type: 'EQUITY',
    exchange,
    sector,
    industry,
    country: tweaks.country ?? 'US',
    currency: 'USD',
    description,
    marketCap,
    anchorPrice: price,
    sharesOutstanding: Math.round(marketCap / price),
    volatility: books.volatility,
    beta: base.beta,
    fiscalYearEnd: tweaks.fiscalYearEnd ?? 12,
    issuer: tweaks.shareClassOf ?? symbol,
    books,
  };
}

function fundListing(row: ListingRow): Listing {
  const [symbol, name, exchange, category, aumBillions, price, description, tweaks = {}] = row;
  const marketCap = aumBillions * 1e9;
  return {
    symbol,
    name,
    type: 'ETF',
    exchange,
    sector: null,
    industry: category,
    country: 'US',
    currency: 'USD',
    description,
    marketCap,
    anchorPrice: price,
    sharesOutstanding: Math.round(marketCap / price),
    volatility: tweaks.volatility ?? 0.18,
    beta: ETF_BETA[symbol] ?? 1,
    fiscalYearEnd: 12,
    issuer: symbol,
    books: null,
  };
}

/** Every listing, largest names of each sector first, funds last: the order ties fall back to. */
export const UNIVERSE: readonly Listing[] = Object.freeze([
  ...SECTORS.flatMap((sector) => EQUITY_ROWS[sector].map((row) => equityListing(sector, row))),
  ...ETF_ROWS.map(fundListing),
]);

const bySymbol: ReadonlyMap<string, Listing> = new Map(UNIVERSE.map((listing) => [listing.symbol, listing]));

export function findListing(symbol: string): Listing | undefined {
  return bySymbol.get(symbol);
}

export const UNIVERSE_SYMBOLS: readonly string[] = Object.freeze(UNIVERSE.map((listing) => listing.symbol));
