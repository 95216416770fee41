import { z } from 'zod';
import { integer } from './fields.js';

/** Rights enforcement and the audit trail (src/graphql/rights, src/observability/audit.ts). */

const rightsEnvSchema = z.object({
  /**
   * What a field the consumer lacks the right for does: `field` (default) answers it null with a
   * FORBIDDEN error and the rest of the request normally; `request` refuses the whole request.
   */
  RIGHTS_DENIAL: z.enum(['field', 'request']).default('field'),
  /** Approximate cap of the audit stream (XADD MAXLEN ~), and of the in-memory trail without Redis. */
  AUDIT_STREAM_MAX: integer(100, 10_000_000).default(100_000),
});

export const rightsEnv = rightsEnvSchema.shape;
type RightsEnv = z.infer<typeof rightsEnvSchema>;

export interface RightsSettings {
  readonly denial: 'field' | 'request';
}

export interface AuditSettings {
  readonly streamKey: string;
  readonly maxEntries: number;
}

export function rightsSettings(env: RightsEnv): RightsSettings {
  return { denial: env.RIGHTS_DENIAL };
}

/** `streamKey`: the audit stream's Redis key (config/redis.ts). */
export function auditSettings(env: RightsEnv, streamKey: string): AuditSettings {
  return { streamKey, maxEntries: env.AUDIT_STREAM_MAX };
}
