import { optionalNumbers, requiredNumber } from '../parse.js';

/**
 * A quote's figures for the day as Twelve Data's `/quote` and Alpha Vantage's
 * REALTIME_BULK_QUOTES both spell them, numbers or numeric strings: one zod shape for both
 * payloads. `close` is the price, so a row without it is not a quote; the rest may be missing.
 */
export const DAY_FIGURES = {
  ...optionalNumbers('open', 'high', 'low'),
  close: requiredNumber,
  ...optionalNumbers('volume', 'previous_close', 'change'),
};
