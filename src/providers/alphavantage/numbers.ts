/**
 * An outflow as a positive amount. Alpha Vantage reports capex, dividends and buybacks as
 * positive numbers for most filers and negative for some, so the sign carries no meaning.
 */
export function outflowOrNull(value: number | null): number | null {
  return value === null ? null : Math.abs(value);
}
