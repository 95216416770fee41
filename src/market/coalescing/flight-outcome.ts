import { z } from 'zod';
import { ErrorCode, MarketError, toClientError, type PublicDetails } from '../../domain/index.js';
import type { CacheKind } from '../cache/cache.js';
import { cacheValueSchemas, publicDetailsSchema } from '../cache/cache-codec.js';
import { parseTrusted } from '../trusted-json.js';

/**
 * A flight's outcome as it travels from the instance that fetched it to the instances that waited
 * (see cluster-flight.ts). The value travels in the message's kept entry rather than through the
 * shared cache: waiters then never depend on that kind being cached, nor on the cache write having
 * landed, and a failure travels the same way as a value (so an outage is not asked again by every
 * waiter). Each waiter validates what it receives against the domain schema before answering it.
 */
export type SharedOutcome =
  /** Answered: the value as cached, and the providers that failed before the one that answered. */
  | { readonly value: unknown; readonly fallbackFrom?: readonly string[] }
  /**
   * Not answered: `final` for an answer about the input (NOT_FOUND), which every waiter gives
   * as it is; otherwise no provider could answer, and each waiter serves its own stale copy or
   * this error.
   */
  | { readonly error: MarketError; readonly final: boolean };

/** The outcome of one key as the fetching instance settled it; `failure` set when the chain failed. */
export function encodeOutcome(answer: unknown, failure: unknown): string | undefined {
  if (failure !== undefined) return JSON.stringify({ error: errorOf(toClientError(failure)), final: false });
  if (answer instanceof MarketError) return JSON.stringify({ error: errorOf(answer), final: true });
  const { value, fallbackFrom } = splitProvenance(answer);
  try {
    return JSON.stringify({ value, ...(fallbackFrom ? { fallbackFrom } : {}) }, taggingDates);
  } catch {
    return undefined;
  }
}

/** The outcome, or undefined when the payload is not one this instance can trust. */
export function decodeOutcome(kind: CacheKind, payload: string): SharedOutcome | undefined {
  const wire = parseTrusted(payload, WireSchema, revivingDates);
  if (!wire) return undefined;
  if ('error' in wire) {
    const { code, message, details } = wire.error;
    return { error: new MarketError(code, message, details as PublicDetails), final: wire.final };
  }
  // Validated, but the received object itself is answered: the schemas would strip fields they do not list.
  if (!cacheValueSchemas[kind].safeParse(wire.value).success) return undefined;
  return { value: wire.value, ...(wire.fallbackFrom ? { fallbackFrom: wire.fallbackFrom } : {}) };
}

const WireSchema = z.union([
  z.object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: publicDetailsSchema,
    }),
    final: z.boolean(),
  }),
  z.object({ value: z.unknown(), fallbackFrom: z.array(z.string()).optional() }),
]);

function errorOf(error: MarketError): { code: ErrorCode; message: string; details: PublicDetails } {
  return { code: error.code, message: error.message, details: error.details };
}

/** An answer from a fallback carries `fallbackFrom`; the cached value does not. */
function splitProvenance(answer: unknown): { value: unknown; fallbackFrom?: readonly string[] } {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer) || !('fallbackFrom' in answer)) return { value: answer };
  const { fallbackFrom, ...value } = answer as { fallbackFrom?: readonly string[] };
  return fallbackFrom ? { value, fallbackFrom } : { value };
}

/** Dates (asOf, timestamp) survive the trip as `{ "$date": ISO }`. */
function taggingDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
}

function revivingDates(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { $date?: unknown };
    if (typeof tagged.$date === 'string' && Object.keys(value).length === 1) return new Date(tagged.$date);
  }
  return value;
}
