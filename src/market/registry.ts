import type { Capability, ProviderId } from '../domain/index.js';
import type { ProviderPipeline } from '../resilience/pipeline.js';
import { capabilitiesOf, type ProviderAdapter } from '../providers/adapter.js';

/** What the gateway says about each provider it knows. */
export interface ProviderSummary {
  readonly id: string;
  readonly name: string;
  readonly capabilities: readonly Capability[];
  readonly enabled: boolean;
}

/**
 * The enabled adapters in their configured priority. The chain for a capability is every adapter
 * that declares it, in that order; routing by health arrives with resilience.
 */
export class ProviderRegistry {
  constructor(
    private readonly adapters: readonly ProviderAdapter[],
    /** The resilience pipeline of each remote provider (the simulated market has none). */
    private readonly pipelines: ReadonlyMap<ProviderId, ProviderPipeline> = new Map(),
  ) {}

  pipeline(id: ProviderId): ProviderPipeline | undefined {
    return this.pipelines.get(id);
  }

  chain<K extends Capability>(capability: K): Array<ProviderAdapter & Required<Pick<ProviderAdapter, K & keyof ProviderAdapter>>> {
    return this.adapters.filter((adapter) => adapter[capability as keyof ProviderAdapter] !== undefined) as Array<
      ProviderAdapter & Required<Pick<ProviderAdapter, K & keyof ProviderAdapter>>
    >;
  }

  summaries(): ProviderSummary[] {
    return this.adapters.map((adapter) => ({
      id: adapter.id,
      name: adapter.name,
      capabilities: capabilitiesOf(adapter),
      enabled: true,
    }));
  }

  get size(): number {
    return this.adapters.length;
  }
}
