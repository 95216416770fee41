import { limitsOf, type LimitSettings } from '../config/limits.js';
import { ErrorCode, MarketError, type Caller } from '../domain/index.js';
import { aliasLimitRule } from '../graphql/limits/aliases.js';
import { depthLimitRule } from '../graphql/limits/depth.js';
import type { RedisLink } from '../stores/redis-link.js';
import type { ProviderCallEvent } from '../market/service.js';
import type { Logger } from '../observability/logger.js';
import { ConsumerThrottle } from '../resilience/consumer-throttle.js';
import type { ServerOptions } from '../server/http-server.js';
import { StreamSymbols } from '../server/ws-limits.js';

export interface AppLimits {
  /** What the server applies to every operation. */
  readonly server: ServerOptions['limits'];
  /** Charges a provider call to the consumer it was made for (none for the gateway's own calls). */
  onProviderCall(event: ProviderCallEvent): void;
  /**
   * Asked where a provider call would be made for a caller's read (a cache miss): the RATE_LIMITED
   * error of that read when the caller's consumer has spent its provider calls; none while calls
   * are left.
   */
  refuseProviderCall(caller: Caller): Promise<MarketError | undefined>;
  /** Symbols per consumer over its subscriptions (LIMIT_STREAM_SYMBOLS_PER_CONSUMER), one for every context of this instance. */
  readonly streamSymbols: StreamSymbols;
  close(): Promise<void>;
}

/**
 * Part of the composition root: the abuse limits and the per-consumer throttle, built from the
 * LIMIT_* / THROTTLE_* settings. Provider calls are charged to, and refused for, the consumer of
 * the read's caller (handed down from the resolver with each read: src/graphql/caller.ts);
 * background refreshes have no caller and are charged to no one.
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
    streamSymbols: new StreamSymbols((profile) => limitsOf(settings, profile).streamSymbolsPerConsumer),
    onProviderCall(event) {
      if (event.caller) throttle.chargeProviderCall(event.caller.consumer);
    },
    async refuseProviderCall({ consumer }) {
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
