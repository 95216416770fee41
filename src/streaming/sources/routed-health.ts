import { EventEmitter, type Event, type IDisposable } from 'cockatiel';
import type { BreakerState } from '../../market/routing/provider-health.js';
import type { StreamEvents, StreamState } from '../../providers/kit/stream-events.js';

/**
 * What the routed source (routed-source.ts) knows of a candidate's feed as a whole, beside the
 * per-symbol errors its TickSource reports. A feed that is down still holds its symbols (its
 * socket redials and resubscribes them); the router gives it a grace before moving them, and moves
 * them back once it has been up for a while.
 */

/** A change of a candidate's health, with words for the "moved" event and the logs. */
export interface SourceHealthChange {
  readonly down: boolean;
  /** "finnhub#1 reconnecting", "breaker OPEN": never a key. */
  readonly reason: string;
}

/** Whether a candidate's feed is down now, and a cockatiel event for each change. */
export interface SourceHealth {
  /** True while the feed cannot deliver (connection lost or refused, breaker open). */
  readonly down: boolean;
  /** Fires only when `down` flips. */
  readonly onChange: Event<SourceHealthChange>;
}

/** A SourceHealth built over something else's events: `dispose()` stops listening to them. */
export interface OwnedSourceHealth extends SourceHealth, IDisposable {}

/**
 * A StreamSource's health from its connection events. Per connection: lost from the moment it is
 * `reconnecting` or `refused` until it is `authenticated` again (its redials through `connecting`
 * and `open` stay lost); `idle` and `closed` take it out of the count (it carries nothing). The
 * source is down when at least one connection is lost and none is authenticated.
 *
 * Why not "any connection lost": with several keys, symbols on a healthy connection would move for
 * nothing. The cost: one key's connection lost while another is up reads as up, and the symbols on
 * the lost one wait for its own redial (the kit already moves a refused key's symbols to another
 * key, and fails them, which the router sees, when none has room).
 */
export function streamSourceHealth(events: StreamEvents): OwnedSourceHealth {
  const emitter = new EventEmitter<SourceHealthChange>();
  const lost = new Set<string>();
  const authenticated = new Set<string>();
  let down = false;
  const LOST: ReadonlySet<StreamState> = new Set<StreamState>(['reconnecting', 'refused']);
  const subscription = events.onStateChange(({ connection, to }) => {
    if (to === 'authenticated') {
      authenticated.add(connection);
      lost.delete(connection);
    } else {
      authenticated.delete(connection);
      if (LOST.has(to)) lost.add(connection);
      else if (to === 'idle' || to === 'closed') lost.delete(connection);
    }
    const now = lost.size > 0 && authenticated.size === 0;
    if (now === down) return;
    down = now;
    emitter.emit({ down, reason: `${connection} ${to}` });
  });
  return {
    get down() {
      return down;
    },
    onChange: emitter.addListener,
    dispose: () => subscription.dispose(),
  };
}

/** The part of a provider's resilience pipeline (ProviderPipeline) a breaker health reads. */
export interface BreakerView {
  breakerState(): BreakerState;
  readonly breaker: { readonly onStateChange: Event<unknown> };
}

/**
 * A provider's REST breaker as stream health: down while OPEN or HALF_OPEN (a probe in flight has
 * proved nothing yet). A stream reads each symbol's baseline through the provider's REST quotes,
 * and an open breaker is the registry's judgement that the provider is out; a stream whose socket
 * still looks up may be about to follow.
 */
export function breakerHealth(view: BreakerView): OwnedSourceHealth {
  const emitter = new EventEmitter<SourceHealthChange>();
  const isDown = (): boolean => view.breakerState() !== 'CLOSED';
  let down = isDown();
  const subscription = view.breaker.onStateChange(() => {
    const now = isDown();
    if (now === down) return;
    down = now;
    emitter.emit({ down, reason: `breaker ${view.breakerState()}` });
  });
  return {
    get down() {
      return down;
    },
    onChange: emitter.addListener,
    dispose: () => subscription.dispose(),
  };
}

/**
 * Down while any of `parts` is down (a stream's connections and its provider's breaker, say).
 * Listens to the parts only while someone listens to it, so it holds nothing when unused.
 */
export function anyDown(...parts: readonly SourceHealth[]): SourceHealth {
  const emitter = new EventEmitter<SourceHealthChange>();
  const isDown = (): boolean => parts.some((part) => part.down);
  let down = isDown();
  let listeners = 0;
  let subscriptions: IDisposable[] = [];
  const onPart = (change: SourceHealthChange): void => {
    const now = isDown();
    if (now === down) return;
    down = now;
    emitter.emit({ down, reason: change.reason });
  };
  const onChange: Event<SourceHealthChange> = (listener) => {
    if (listeners++ === 0) {
      down = isDown();
      subscriptions = parts.map((part) => part.onChange(onPart));
    }
    const own = emitter.addListener(listener);
    let disposed = false;
    return {
      dispose() {
        if (disposed) return;
        disposed = true;
        own.dispose();
        if (--listeners === 0) for (const subscription of subscriptions.splice(0)) subscription.dispose();
      },
    };
  };
  return {
    get down() {
      return listeners > 0 ? down : isDown();
    },
    onChange,
  };
}
