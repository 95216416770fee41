import { z } from 'zod';
import { MarketError, ProviderError } from '../domain/index.js';

/**
 * One piece of failed background work in the dead-letter queue: a refresh of one cache key that
 * was served stale because no provider could answer. It is plain JSON, so it can be parked in
 * Redis and replayed by any gateway instance.
 */

/** `retrying` while it waits for (or runs) its next attempt; `failed` once parked for review. */
export type DeadLetterState = 'retrying' | 'failed';

/** How the last attempt failed: a failure kind (or client error code) and our own message. */
export interface DeadLetterError {
  readonly kind: string;
  readonly message: string;
}

export interface DeadLetterJob {
  /** The market capability and cache key refreshed; together they name the job's work (see `workOf`). */
  readonly capability: string;
  readonly key: string;
  readonly id: string;
  /** The first provider of the chain for the capability when the work failed: whose failure it is. */
  readonly provider: string;
  /** What to ask the chain: the neutral query, or the symbol of a batched read. */
  readonly query: unknown;
  /** Refresh attempts that failed, over the job's life (replays included). */
  readonly attempts: number;
  readonly lastError: DeadLetterError;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** When the next attempt is due (epoch ms); null once parked. */
  readonly nextAttemptAt: number | null;
  readonly state: DeadLetterState;
}

const JobSchema = z.object({
  capability: z.string(),
  key: z.string(),
  id: z.string(),
  provider: z.string(),
  query: z.unknown(),
  attempts: z.number().int().nonnegative(),
  lastError: z.object({ kind: z.string(), message: z.string() }),
  createdAt: z.number(),
  nextAttemptAt: z.number().nullable(),
  state: z.enum(['retrying', 'failed']),
});

/** The work a job stands for: one per capability and key, which is what refreshes are deduplicated by. */
export function workOf(job: Pick<DeadLetterJob, 'capability' | 'key'>): string {
  return `${job.capability}:${job.key}`;
}

/**
 * The job as one JSON entry, capability and key first: every entry of the same work then starts
 * with the same text (`entryPrefix`), which Redis can match without decoding JSON.
 */
export function serialiseJob(job: DeadLetterJob): string {
  const { capability, key, id, provider, query, attempts, lastError, createdAt, nextAttemptAt, state } = job;
  return JSON.stringify({ capability, key, id, provider, query, attempts, lastError, createdAt, nextAttemptAt, state });
}

/** How every serialised entry of this work begins. */
export function entryPrefix(job: Pick<DeadLetterJob, 'capability' | 'key'>): string {
  return `${JSON.stringify({ capability: job.capability, key: job.key }).slice(0, -1)},`;
}

/** A parked entry read back; undefined for anything that is not a job (it is skipped, never replayed). */
export function parseJob(text: string): DeadLetterJob | undefined {
  try {
    const parsed = JobSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as DeadLetterJob) : undefined;
  } catch {
    return undefined;
  }
}

const MAX_MESSAGE = 300;

/**
 * A failure as a job records it. Provider errors keep their kind and our message (adapters word
 * them without keys or URLs; anything URL-like or key-like is scrubbed again here, since parked
 * jobs are shown to operators and stored in Redis); client errors keep their code and message;
 * anything else is only "unexpected".
 */
export function describeFailure(error: unknown): DeadLetterError {
  if (error instanceof ProviderError) return { kind: error.kind, message: scrub(error.message) };
  if (error instanceof MarketError) return { kind: error.code, message: scrub(error.message) };
  return { kind: 'ERROR', message: 'unexpected error' };
}

function scrub(message: string): string {
  const cleaned = message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
    .replace(/((?:api[_-]?key|apikey|token|key)=)[^&#\s"']+/gi, '$1[redacted]');
  return cleaned.length > MAX_MESSAGE ? `${cleaned.slice(0, MAX_MESSAGE - 1)}…` : cleaned;
}
