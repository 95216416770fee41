import { looseNumber, looseText } from '../parse.js';

/** A number, or null when the field is missing altogether (Alpha Vantage drops fields it has nothing for). */
export const optionalNumber = looseNumber.optional().transform((value) => value ?? null);

/** A free-text field, or null when it is missing, empty or "None". */
export const optionalText = looseText.optional().transform((value) => value ?? null);

/** A price-like figure: zero or less means "not reported" (e.g. no trade in the session). */
export function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

/**
 * An outflow as a positive amount. Alpha Vantage reports capex, dividends and buybacks as
 * positive numbers for most filers and negative for some, so the sign carries no meaning.
 */
export function outflowOrNull(value: number | null): number | null {
  return value === null ? null : Math.abs(value);
}
