import { setFlagsFromString } from 'node:v8';

/**
 * Caps how far V8 lets the heap grow past what is live before a full collection
 * (HEAP_GROWTH_PERCENT). Under a steady allocation rate V8 raises that limit up to 4× what
 * survived the last full collection: on a gateway streaming 5,000 subscriptions, 90 MB live let
 * the heap reach 350 MB, 57 KB of RSS per subscription where what each holds is about 13 KB.
 * At 30% the same gateway stayed within 140 MB, 17.5 KB per subscription, at the same CPU per item
 * (bench/stream-fanout.mjs): the full collections come more often but each has less to do.
 *
 * Set at run time because `npm start` runs the gateway in its own process (no node flags to pass)
 * and NODE_OPTIONS does not admit this V8 flag. V8 reads it at each collection, so setting it
 * before the first one is as good as passing it on the command line.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/**
 * Turns V8's allocation-site pretenuring off (HEAP_PRETENURING=false, the default). When most
 * objects of an allocation site survive a young-generation collection, V8 allocates that site's
 * objects straight in the old generation from then on. A gateway's tick path allocates the same
 * shapes for every tick (the quote decoded from Redis, graphql-js's execution context and result),
 * and during a burst of subscribes, when many such objects live a little longer, V8 pretenured
 * those sites for good: every tick's objects were then born old, 100 MB in 12 s on a gateway with
 * 7,000 subscriptions (V8's heap sampler, objects not collected by a young-generation GC), and a
 * full collection came every 2.4 s. Without pretenuring the same gateway promoted 3.6 MB in 12 s
 * with the flag on node's command line, 12 MB with it set at run time as here (one sample each),
 * and bench/stream-fanout's gateways went from 34–40 to 30 µs of CPU per item, p99 161–2,706 ms to
 * 108–121 ms, 13.9–15.7 to 12.7–13.2 KB of RSS per subscription. Long-lived state is built a
 * little at a time here (subscriptions, caches), so it loses nothing to being copied once more.
 *
 * Set at run time, as the heap growth is (`npm start` imports the gateway into its own process):
 * V8 reads it when it weighs a collection's feedback.
 */
export function applyPretenuring(enabled: boolean): void {
  if (!enabled) setFlagsFromString('--no-allocation-site-pretenuring');
}
