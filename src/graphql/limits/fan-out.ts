/**
 * Field extensions of a field that calls every provider of a capability per request
 * (`quoteConsensus`). The cost limit prices it as one call per provider the gateway can run for
 * that capability: a bound every instance agrees on whatever is configured, so a document's price
 * never depends on which instance prices it.
 */
export const PROVIDER_FAN_OUT = { providerFanOut: true } as const;

/** Quote providers a gateway can run: Alpha Vantage, FMP, Polygon, Finnhub, Twelve Data and the simulated market. */
export const MAX_QUOTE_PROVIDERS = 6;

export function fanOutOf(extensions: Readonly<Record<string, unknown>> | null | undefined): number {
  return extensions?.['providerFanOut'] === true ? MAX_QUOTE_PROVIDERS : 1;
}
