import { ProviderError, ProviderFailureKind } from '../../domain/index.js';
import { Instrument } from './instrument.js';
import { hash2, hashString, seedKey, Stream } from './random.js';
import { findListing } from './universe.js';

export const PROVIDER_ID = 'simulated';

export function unknownSymbol(symbol: string): ProviderError {
  return new ProviderError(ProviderFailureKind.NOT_FOUND, PROVIDER_ID, `Unknown symbol: ${symbol}`);
}

/** One seeded market: instruments are created on first use, so creating the market is free. */
export class SimulatedMarket {
  private readonly seedKey: number;
  private readonly marketKey: number;
  private readonly instruments = new Map<string, Instrument>();

  constructor(seed: number) {
    this.seedKey = seedKey(seed);
    this.marketKey = hash2(this.seedKey, Stream.MARKET);
  }

  /** The instrument for a listed symbol, or undefined for one the market does not list. */
  find(symbol: string): Instrument | undefined {
    const known = this.instruments.get(symbol);
    if (known !== undefined) return known;
    const listing = findListing(symbol);
    if (listing === undefined) return undefined;
    // Keyed by issuer, so two share classes of one company move together.
    const instrument = new Instrument(listing, hash2(this.seedKey, hashString(listing.issuer)), this.marketKey);
    this.instruments.set(symbol, instrument);
    return instrument;
  }

  /** Like `find`, but an unlisted symbol is a NOT_FOUND provider failure. */
  get(symbol: string): Instrument {
    const instrument = this.find(symbol);
    if (instrument === undefined) throw unknownSymbol(symbol);
    return instrument;
  }

  /** Randomness for one issuer's books, independent of its prices. */
  fundamentalsKey(issuer: string): number {
    return hash2(hash2(this.seedKey, hashString(issuer)), Stream.FUNDAMENTALS);
  }
}
