import { z } from 'zod';
import { integer } from './fields.js';

/** Live quotes: failover between feeds, polling of REST-only providers, and ownership of feeds across instances. */

const streamingEnvSchema = z.object({
  /**
   * How long a feed that dropped may stay down before its symbols move to the next source of the
   * stream chain (ms). Errors about a symbol (a key refused, a plan's symbol cap) move it at once.
   */
  STREAM_FAILOVER_GRACE_MS: integer(0, 120_000).default(3_000),
  /** How long a better source must have been healthy again before symbols move back to it (ms). */
  STREAM_RECOVER_MS: integer(0, 600_000).default(10_000),
  /**
   * The most of each key's quota the polling feed of a REST-only provider may spend, in (0, 1]:
   * the rest stays for queries that miss the cache, background refreshes and feed baselines.
   */
  STREAM_POLL_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  /**
   * With REDIS_URL: how long an instance owns a symbol's upstream subscription without renewing
   * it (ms). Renewed every third of it; when the owner dies, another instance watching the symbol
   * takes over within about this plus a third.
   */
  STREAM_LEASE_MS: integer(500, 120_000).default(5_000),
});

export const streamingEnv = streamingEnvSchema.shape;
type StreamingEnv = z.infer<typeof streamingEnvSchema>;

export interface StreamingSettings {
  readonly failoverGraceMs: number;
  readonly recoverMs: number;
  readonly pollShare: number;
  readonly leaseMs: number;
}

export function streamingSettings(env: StreamingEnv): StreamingSettings {
  return { failoverGraceMs: env.STREAM_FAILOVER_GRACE_MS, recoverMs: env.STREAM_RECOVER_MS, pollShare: env.STREAM_POLL_SHARE, leaseMs: env.STREAM_LEASE_MS };
}
