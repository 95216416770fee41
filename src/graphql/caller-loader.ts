import DataLoader from 'dataloader';
import type { Caller } from '../domain/index.js';

/** A batch function that knows who the batch is read for. */
export type CallerBatch<K, V> = (keys: readonly K[], caller: Caller | undefined) => PromiseLike<ArrayLike<V | Error>>;

/**
 * A DataLoader whose batch knows who asked, so the provider calls it causes are charged to and
 * audited for a consumer without any async-local state.
 *
 * DataLoader has no per-load context; a batch holds loads of many fields. Its caller is the caller
 * of the load that opened it: DataLoader calls `batchScheduleFn` exactly when a load opens a new
 * batch, synchronously inside that `load`, and calls the batch function synchronously when the
 * scheduled dispatch runs, so the opener is handed from one to the other in two fields. Loads that
 * join the batch later in the tick cost their callers nothing, as a read that joins a fetch
 * already running costs nothing. The opener is the tick's first load even when its own key is
 * held already (DataLoader opens the batch before it looks in its memo); the loader is one
 * request's, so the consumer is the same and only the path told in the audit differs.
 */
export class CallerLoader<K, V, C = K> {
  /** The caller of the `load` running now (set only for its synchronous part). */
  private loading: Caller | undefined;
  /** The caller of the batch being dispatched now (set only while DataLoader calls the batch function). */
  private dispatching: Caller | undefined;
  private readonly loader: DataLoader<K, V, C>;

  constructor(batch: CallerBatch<K, V>, options: { readonly cacheKeyFn?: (key: K) => C } = {}) {
    this.loader = new DataLoader<K, V, C>((keys) => batch(keys, this.dispatching), {
      ...options,
      batchScheduleFn: (dispatch) => {
        const opener = this.loading;
        // DataLoader's own schedule: after this tick's promise jobs, so every load of the tick joins.
        void Promise.resolve().then(() =>
          process.nextTick(() => {
            this.dispatching = opener;
            try {
              dispatch();
            } finally {
              this.dispatching = undefined;
            }
          }),
        );
      },
    });
  }

  load(key: K, caller: Caller): Promise<V> {
    this.loading = caller;
    try {
      return this.loader.load(key);
    } finally {
      this.loading = undefined;
    }
  }

  loadMany(keys: readonly K[], caller: Caller): Promise<Array<V | Error>> {
    this.loading = caller;
    try {
      return this.loader.loadMany(keys);
    } finally {
      this.loading = undefined;
    }
  }
}
