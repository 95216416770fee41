import { ErrorCode, MarketError } from './errors.js';

/**
 * Tickers as exchanges and providers spell them: letters and digits, with `.` or `-` for share
 * classes and venues (BRK.B, BF-B, RDS-A, 7203.T). Starting with a letter or digit keeps
 * `.`-prefixed junk and option-like strings out.
 */
const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9.\-]{0,11}$/;

/** Canonical form of a ticker, or `BAD_USER_INPUT` naming what was wrong with it. */
export function parseSymbol(input: string): string {
  const symbol = input.trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol) || /[.\-]{2}/.test(symbol) || /[.\-]$/.test(symbol)) {
    throw new MarketError(
      ErrorCode.BAD_USER_INPUT,
      `"${truncate(input)}" is not a valid symbol: expected 1–12 letters or digits, optionally with "." or "-" (e.g. AAPL, BRK.B).`,
      { symbol: truncate(input) },
    );
  }
  return symbol;
}

/** Safe form of a symbol check for callers that want a boolean. */
export function isValidSymbol(input: string): boolean {
  try {
    parseSymbol(input);
    return true;
  } catch {
    return false;
  }
}

function truncate(value: string): string {
  return value.length > 32 ? `${value.slice(0, 32)}…` : value;
}
