import { z } from 'zod';
import { ErrorCode, MarketError, ProviderError, ProviderFailureKind, QuoteSchema, type Quote } from '../../domain/index.js';

/**
 * What travels on a symbol's channel: a tick, or a per-symbol error of the owner's upstream feed.
 * JSON carries Dates as ISO strings, so the quote's Date fields are coerced back and the whole
 * quote is held to the domain schema: a message no instance can trust is dropped, never shown.
 */
export type WireItem = { readonly kind: 'tick'; readonly quote: Quote; readonly receivedAt: number | undefined } | { readonly kind: 'error'; readonly error: Error };

/** Format mark: an instance of another release that changed the shape is ignored, not misread. */
const FORMAT = 1;

// The domain's schema with its Date fields read from ISO strings; any field the domain adds
// (`feed`, say) travels as it is.
const WireQuoteSchema = QuoteSchema.extend({ asOf: z.coerce.date(), timestamp: z.coerce.date() });

const WireErrorSchema = z.union([
  // A provider's failure keeps its kind, so the hub maps it as it would a local one (NOT_FOUND names the symbol).
  z.object({ provider: z.string(), kind: z.enum(ProviderFailureKind), message: z.string() }),
  z.object({ code: z.enum(ErrorCode), message: z.string(), details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional() }),
  // Anything else becomes the client's bland internal error, as it would locally.
  z.object({ message: z.string() }),
]);

const WireSchema = z.union([
  // `r`: when the owner received the tick from upstream (epoch ms); optional, so a message of a
  // release before it still reads.
  z.object({ f: z.literal(FORMAT), q: WireQuoteSchema, r: z.number().finite().optional() }),
  z.object({ f: z.literal(FORMAT), e: WireErrorSchema }),
]);

/** `receivedAt`: when the owner received the tick from upstream, epoch ms (`Date.now()`). */
export function encodeTick(quote: Quote, receivedAt: number): string {
  return JSON.stringify({ f: FORMAT, q: quote, r: receivedAt });
}

export function encodeError(error: Error): string {
  if (error instanceof ProviderError) return JSON.stringify({ f: FORMAT, e: { provider: error.provider, kind: error.kind, message: error.message } });
  if (error instanceof MarketError) return JSON.stringify({ f: FORMAT, e: { code: error.code, message: error.message, details: error.details } });
  return JSON.stringify({ f: FORMAT, e: { message: error.message } });
}

/**
 * The item a message carries, or `undefined` for one that is not ours or fails the schemas. A
 * tick's `receivedAt` is the owner's receipt as this process's `performance.now()`, so the hub's
 * tick-to-client latency starts at the upstream whichever instance received it. Instances' clocks
 * are taken to agree (NTP); a receipt stamped ahead of this clock counts as now.
 */
export function decodeItem(text: string): WireItem | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = WireSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  if ('q' in parsed.data) {
    const { q: quote, r: at } = parsed.data;
    return { kind: 'tick', quote, receivedAt: at === undefined ? undefined : performance.now() - Math.max(0, Date.now() - at) };
  }
  const e = parsed.data.e;
  if ('kind' in e) return { kind: 'error', error: new ProviderError(e.kind, e.provider, e.message) };
  if ('code' in e) return { kind: 'error', error: new MarketError(e.code, e.message, e.details) };
  return { kind: 'error', error: new Error(e.message) };
}
