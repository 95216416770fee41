import { ErrorCode, MarketError, type Capability, type ProviderId } from '../../domain/index.js';
import type { ProviderPipeline } from '../../resilience/pipeline.js';
import { capabilitiesOf, type ProviderAdapter } from '../../providers/adapter.js';
import { keyStatusOf, type KeyStatusSource, type ProviderKeyStatus } from './key-status.js';
import { failureKindOfOutcome, ProviderHealth, watchPipeline, type BreakerState, type HealthSnapshot, type ProviderStanding } from './provider-health.js';
import { routeChain, type RoutingSources } from './router.js';

/** What the gateway says about each provider it knows. */
export interface ProviderSummary {
  readonly id: string;
  readonly name: string;
  readonly capabilities: readonly Capability[];
  readonly enabled: boolean;
}

/** A provider's summary with its health: breaker, recent and total calls, keys, dead letters. */
export interface ProviderStatus extends ProviderSummary, HealthSnapshot {
  readonly keys: readonly ProviderKeyStatus[];
  /** Failed background refreshes parked for review in the dead-letter queue. */
  readonly deadLetters: number;
}

export interface ProviderRegistryOptions {
  /**
   * The key pool of each provider that has one, read whenever status is asked, so app.ts may add
   * a pool to the map after the registry is built.
   */
  readonly keyStatus?: ReadonlyMap<ProviderId, KeyStatusSource>;
  /** Told of every breaker reset asked for by hand (for the log); `previous` is null without a breaker. */
  readonly onBreakerReset?: (event: { readonly provider: ProviderId; readonly previous: BreakerState | null }) => void;
  /** The health windows' clock, in monotonic milliseconds (tests). */
  readonly now?: () => number;
  /** How many jobs of each provider are parked in the dead-letter queue, read whenever status is asked. */
  readonly deadLetters?: { depth(provider: ProviderId): number | Promise<number> };
}

/** What a market-service call reports (`ProviderCallEvent` fits). */
export interface CallReport {
  readonly provider: string;
  readonly durationMs: number;
  readonly outcome: string;
}

/**
 * The enabled adapters in their configured priority. The chain for a capability is every adapter
 * that declares it, in that order, then routed by breaker, keys and health (src/market/routing/router.ts).
 */
export class ProviderRegistry {
  private readonly health = new Map<string, ProviderHealth>();

  constructor(
    private readonly adapters: readonly ProviderAdapter[],
    /** The resilience pipeline of each remote provider (the simulated market has none). */
    private readonly pipelines: ReadonlyMap<ProviderId, ProviderPipeline> = new Map(),
    private readonly options: ProviderRegistryOptions = {},
  ) {
    // One source of truth per provider: its pipeline's attempts where it has one (what really
    // reached the provider, retries included), else the market service's calls (`recordCall`).
    for (const adapter of adapters) {
      const health = new ProviderHealth({ now: options.now });
      this.health.set(adapter.id, health);
      const pipeline = pipelines.get(adapter.id);
      if (pipeline) watchPipeline(health, pipeline);
    }
  }

  pipeline(id: ProviderId): ProviderPipeline | undefined {
    return this.pipelines.get(id);
  }

  /**
   * The providers that serve `capability`, in the order to ask them now: configured priority,
   * routed by breaker, keys and health (src/market/routing/router.ts). Worked out afresh on each call.
   */
  chain<K extends Capability>(capability: K): Array<ProviderAdapter & Required<Pick<ProviderAdapter, K & keyof ProviderAdapter>>> {
    return routeChain(this.serving(capability), this.routingSources);
  }

  /**
   * Every enabled provider that serves `capability`, in configured priority, unrouted: for asking
   * all of them at once (quote consensus), where a spent or open one answers its own refusal.
   */
  serving<K extends Capability>(capability: K): Array<ProviderAdapter & Required<Pick<ProviderAdapter, K & keyof ProviderAdapter>>> {
    return this.adapters.filter((adapter) => adapter[capability as keyof ProviderAdapter] !== undefined) as Array<
      ProviderAdapter & Required<Pick<ProviderAdapter, K & keyof ProviderAdapter>>
    >;
  }

  /** What routing reads of a provider; the key pool is looked up on each call, as for status. */
  private readonly routingSources = (id: string): RoutingSources => ({
    breaker: this.pipelines.get(id as ProviderId),
    health: this.health.get(id),
    keys: this.options.keyStatus?.get(id as ProviderId),
  });

  summaries(): ProviderSummary[] {
    return this.adapters.map((adapter) => ({
      id: adapter.id,
      name: adapter.name,
      capabilities: capabilitiesOf(adapter),
      enabled: true,
    }));
  }

  /**
   * A call the market service made (its `onProviderCall`). Counted only for providers without a
   * pipeline: the pipeline of the others already reported each of its attempts.
   */
  recordCall(call: CallReport): void {
    if (this.pipelines.has(call.provider as ProviderId)) return;
    this.health.get(call.provider)?.recordCall(call.durationMs, failureKindOfOutcome(call.outcome));
  }

  /** A provider's breaker and recent calls (see `ProviderStanding`); undefined for one this gateway does not run. */
  standing(id: string): ProviderStanding | undefined {
    return this.health.get(id)?.standing();
  }

  /** Every enabled provider with its health, in configured priority. */
  status(): Promise<ProviderStatus[]> {
    return Promise.all(this.adapters.map((adapter) => this.statusOf(adapter)));
  }

  /**
   * Closes a provider's breaker by hand and answers its status. A provider without a breaker
   * (the simulated market) answers its status unchanged; one this gateway does not run is
   * BAD_USER_INPUT, with the enabled ids in the details.
   */
  async resetBreaker(id: ProviderId): Promise<ProviderStatus> {
    const adapter = this.adapters.find((candidate) => candidate.id === id);
    if (!adapter) {
      throw new MarketError(ErrorCode.BAD_USER_INPUT, `Provider "${id}" is not enabled on this gateway.`, {
        provider: id,
        enabled: this.adapters.map((candidate) => candidate.id),
      });
    }
    const pipeline = this.pipelines.get(id);
    const previous = pipeline?.breakerState() ?? null;
    pipeline?.resetBreaker();
    this.options.onBreakerReset?.({ provider: id, previous });
    return this.statusOf(adapter);
  }

  get size(): number {
    return this.adapters.length;
  }

  private async statusOf(adapter: ProviderAdapter): Promise<ProviderStatus> {
    const health = (this.health.get(adapter.id) as ProviderHealth).snapshot();
    return {
      id: adapter.id,
      name: adapter.name,
      capabilities: capabilitiesOf(adapter),
      enabled: true,
      ...health,
      keys: await keyStatusOf(this.options.keyStatus?.get(adapter.id)),
      deadLetters: (await this.options.deadLetters?.depth(adapter.id)) ?? 0,
    };
  }
}
