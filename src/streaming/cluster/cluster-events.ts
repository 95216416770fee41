import { eventHub, type EventHub } from '../../providers/kit/event-hub.js';

/**
 * What the cluster fan-out tells the world, as typed events in the manner of the stream kit's
 * (`providers/kit/stream-events.ts`): metrics and logs subscribe, the protocol never calls them.
 * Every event names the instance, so one collector can tell a cluster's instances apart.
 */

/** Where an instance's watchers get their ticks: the symbol's Redis channel, or its own upstream feeds. */
export type ClusterMode = 'cluster' | 'local';

/** How ticks travel: SPUBLISH/SSUBSCRIBE (Redis ≥ 7) or PUBLISH/SUBSCRIBE. */
export type PubSubFlavour = 'sharded' | 'classic';

export interface ClusterOwnership {
  readonly instanceId: string;
  readonly symbol: string;
}

/**
 * Why an instance stopped owning a symbol's upstream: `released` (its last watcher left),
 * `lost` (a renewal found another instance's token: this one was too late), `outage` (Redis
 * stopped answering; the lease runs out on its own), `closed` (the source was closed).
 */
export type OwnershipEndReason = 'released' | 'lost' | 'outage' | 'closed';

export interface ClusterOwnershipEnded extends ClusterOwnership {
  readonly reason: OwnershipEndReason;
}

export interface ClusterModeChange {
  readonly instanceId: string;
  readonly mode: ClusterMode;
  /** Symbols watched on this instance at the switch. */
  readonly symbols: number;
}

export interface ClusterPubSubChosen {
  readonly instanceId: string;
  readonly flavour: PubSubFlavour;
  /** INFO server's redis_version, as the server said it. */
  readonly redisVersion: string;
}

/** What a cluster source tells, one per field: `on<Name>` to listen, `emit<Name>` to tell (kit/event-hub.ts). */
export interface ClusterEventMap {
  /** This instance took a symbol's lease and started its upstream feed. */
  readonly becameOwner: ClusterOwnership;
  /** This instance stopped owning a symbol (see OwnershipEndReason). */
  readonly ownershipEnded: ClusterOwnershipEnded;
  /** Redis went away: every watched symbol is fed from this instance's own upstream. */
  readonly fellBackToLocal: ClusterModeChange;
  /** Redis is back: ticks come from the channels again, one upstream per symbol in the cluster. */
  readonly backToCluster: ClusterModeChange;
  /** The pub/sub commands were chosen (once per link, from the server's version). */
  readonly pubSubChosen: ClusterPubSubChosen;
}

export type ClusterEvents = EventHub<ClusterEventMap>;

export function createClusterEvents(): ClusterEvents {
  return eventHub<ClusterEventMap>({ becameOwner: true, ownershipEnded: true, fellBackToLocal: true, backToCluster: true, pubSubChosen: true });
}
