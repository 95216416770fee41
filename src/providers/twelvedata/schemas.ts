import { z } from 'zod';
import { shapeOf } from '../../domain/index.js';
import { DAY_FIGURES } from '../kit/day-figures.js';
import { optionalNumber, optionalNumbers, optionalTexts, requiredNumber } from '../parse.js';

/**
 * Twelve Data's payloads as documented at https://twelvedata.com/docs: prices and volumes are
 * strings ("148.85001"), times are `datetime` strings in the exchange's zone plus unix seconds.
 */

/** `/quote`, one instrument (or one entry of a batch answer keyed by symbol). */
export const QuoteSchema = z.object({
  ...optionalTexts('symbol', 'exchange', 'currency', 'datetime'),
  ...optionalNumbers('timestamp', 'last_quote_at'),
  ...DAY_FIGURES,
  percent_change: optionalNumber,
});
export type TwelveDataQuote = z.infer<typeof QuoteSchema>;

/** A batch `/quote` answer: an object keyed by the symbols asked, each a quote or an error object. */
export const BatchSchema = z.record(z.string(), z.unknown());

/** `/time_series`: `{meta, values: [{datetime, open, high, low, close, volume}], status: "ok"}`. */
export const TimeSeriesSchema = z.object({
  values: z.array(
    z.object({
      datetime: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected a YYYY-MM-DD date'),
      ...shapeOf(['open', 'high', 'low', 'close'], requiredNumber),
      // Forex pairs and some indices have no volume.
      volume: optionalNumber,
    }),
  ),
});
export type TwelveDataTimeSeries = z.infer<typeof TimeSeriesSchema>;

/** `/symbol_search`: `{data: [{symbol, instrument_name, exchange, mic_code, instrument_type, country, currency}]}`. */
export const SymbolSearchSchema = z.object({
  data: z.array(
    z.object(optionalTexts('symbol', 'instrument_name', 'exchange', 'instrument_type', 'country', 'currency')),
  ),
});
