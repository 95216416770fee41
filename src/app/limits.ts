import { limitsOf, type LimitSettings } from '../config/limits.js';
import { ErrorCode, MarketError } from '../domain/index.js';
import { aliasLimitRule } from '../graphql/limits/aliases.js';
import { depthLimitRule } from '../graphql/limits/depth.js';
import type { RedisLink } from '../stores/redis-link.js';
import { auditScope } from '../observability/audit.js';
import type { Logger } from '../observability/logger.js';
import { ConsumerThrottle } from '../resilience/consumer-throttle.js';
import type { ServerOptions } from '../server/http-server.js';

export interface AppLimits {
  /** What the server applies to every operation. */
  readonly server: ServerOptions['limits'];
  /** Charges a provider call to the consumer whose operation made it (none outside an operation). */
  onProviderCall(): void;
  /**
   * Asked where a provider call would be made for a read (a cache miss): the RATE_LIMITED error of
   * that read when the consumer whose operation asks has spent its provider calls; none outside
   * an operation (background refreshes) or while calls are left.
   */
  refuseProviderCall(): Promise<MarketError | undefined>;
  close(): Promise<void>;
}

/**
 * Part of the composition root: the abuse limits and the per-consumer throttle, built from the
 * LIMIT_* / THROTTLE_* settings. Provider calls are charged to, and refused for, the consumer
 * found in the audit scope (src/observability/audit.ts), which the rights enforcement opens around
 * every governed field and which follows a DataLoader batch into the market service; background
 * refreshes run outside any operation and are charged to no one.
 */
export function createAppLimits(
  settings: LimitSettings,
  /** With a URL, budgets are shared through Redis under `prefix` (`<REDIS_PREFIX>:throttle`). */
  redis: { readonly link: RedisLink | undefined; readonly prefix: string },
  logger: Logger,
): AppLimits {
  const throttle = new ConsumerThrottle({
    budgets: (profile) => limitsOf(settings, profile),
    ...(redis.link ? { redis: redis.link, prefix: redis.prefix } : {}),
    onStoreDown: (error) => logger.warn({ err: error }, 'throttle store (Redis) unavailable: consumer budgets are counted in this instance until it is back'),
    onStoreUp: () => logger.info('throttle store (Redis) back: consumer budgets are shared again'),
  });
  return {
    server: {
      validationRules: [depthLimitRule(settings.maxDepth), aliasLimitRule(settings.maxAliases)],
      maxTokens: settings.maxTokens,
      maxSymbolsPerList: settings.maxSymbolsPerList,
      introspectionProfiles: settings.introspectionProfiles,
      costBudget: (profile) => limitsOf(settings, profile).costBudget,
      throttle,
      socket: {
        subscriptionsPerSocket: settings.subscriptionsPerSocket,
        subscriptionsPerConsumer: (profile) => limitsOf(settings, profile).subscriptionsPerConsumer,
        messagesPerSecond: settings.socketMessages.perSecond,
        messageBurst: settings.socketMessages.burst,
      },
    },
    onProviderCall() {
      const scope = auditScope.getStore();
      if (scope) throttle.chargeProviderCall(scope.consumer);
    },
    async refuseProviderCall() {
      const consumer = auditScope.getStore()?.consumer;
      if (!consumer) return undefined;
      // A budget store that fails refuses nothing: no read fails because Redis does.
      const verdict = await throttle.providerCallAllowed(consumer).catch(() => ({ allowed: true }) as const);
      if (verdict.allowed) return undefined;
      const retryAfter = Math.ceil(verdict.retryAfterMs / 1000);
      return new MarketError(
        ErrorCode.RATE_LIMITED,
        `Too many provider calls: the "${consumer.profile}" profile allows ${verdict.limit} per minute, and this answer is not cached; retry in ${retryAfter} s.`,
        { retryAfter, budget: 'providerCalls', limit: verdict.limit },
      );
    },
    close: () => throttle.close(),
  };
}
