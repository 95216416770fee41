import type { Config } from '../config/index.js';
import type { RightsEnforcement } from '../graphql/rights/enforce.js';
import type { Denial } from '../graphql/rights/required.js';
import { forbiddenOperationCheck } from '../graphql/rights/request-mode.js';
import type { ProviderCallEvent } from '../market/service.js';
import { AuditTrail } from '../observability/audit.js';
import type { Logger } from '../observability/logger.js';
import type { ServerOptions } from '../server/http-server.js';
import type { RefusalListener } from '../server/refusal-audit-plugin.js';
import type { RedisLink } from '../stores/redis-link.js';

export interface AppAudit {
  readonly audit: AuditTrail;
  /** What the schema transform reports: denials and admin actions, into the audit trail. */
  readonly enforcement: RightsEnforcement;
  /** With RIGHTS_DENIAL=request, what the server runs before each operation, after the limits: `{ rightsCheck }`, else nothing. */
  readonly server: Pick<ServerOptions, 'rightsCheck'> & { readonly onRefused: RefusalListener };
  /** Records a provider call for the consumer whose operation made it (none outside an operation). */
  onProviderCall(event: ProviderCallEvent): void;
  close(): Promise<void>;
}

/**
 * Part of the composition root: the audit trail (pino `audit` logger, plus a capped Redis stream
 * with REDIS_URL) and what rights enforcement, refusals and provider calls report into it.
 */
export function createAppAudit(config: Pick<Config, 'audit' | 'rights'>, logger: Logger, redis: RedisLink | undefined): AppAudit {
  const audit = new AuditTrail({ logger, ...(redis ? { redis } : {}), streamKey: config.audit.streamKey, maxEntries: config.audit.maxEntries });
  const onDenied = ({ consumer, right, path }: Denial): void =>
    audit.record({ time: new Date(), kind: 'DENIED', consumer: consumer.id, profile: consumer.profile, allowed: false, right, path });
  return {
    audit,
    server: {
      ...(config.rights.denial === 'request' ? { rightsCheck: forbiddenOperationCheck(onDenied) } : {}),
      onRefused: (consumer, refusal, operationName) =>
        audit.record({ time: new Date(), kind: 'REFUSED', consumer: consumer.id, profile: consumer.profile, allowed: false, path: operationLabel(operationName), limit: refusal.cause }),
    },
    enforcement: {
      denial: config.rights.denial,
      onDenied,
      onAdminAction: ({ consumer, right, path }) =>
        audit.record({ time: new Date(), kind: 'ADMIN_ACTION', consumer: consumer.id, profile: consumer.profile, allowed: true, right, path }),
    },
    onProviderCall({ caller, ...event }) {
      // The gateway's own calls (background refreshes, retries) are no consumer's to audit.
      if (!caller) return;
      audit.record({
        time: new Date(),
        kind: 'PROVIDER_CALL',
        consumer: caller.consumer.id,
        profile: caller.consumer.profile,
        allowed: true,
        path: caller.path,
        provider: event.provider,
        capability: event.capability,
        outcome: event.outcome,
      });
    },
    async close() {
      // Entries of the last requests may still be on their way to the stream.
      await audit.drain();
    },
  };
}

/** The operation name a client sent, if it is a GraphQL name (a refused request's may be anything); else empty. */
function operationLabel(operationName: string | undefined): string {
  return operationName !== undefined && /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(operationName) ? operationName : '';
}
