import type { RoutingHealth } from './provider-health.js';

/**
 * Routing: the order in which the providers that serve a capability are asked, worked out for
 * each trip down the chain (one per request batch) from what is known locally at that moment.
 *
 * Start from the configured priority (`PROVIDERS=fmp,polygon,…`) and put each provider in one
 * of four groups, each kept in configured order unless said otherwise:
 *
 *   1. ready     breaker closed, or open with its half-open probe due (its open period is over:
 *                the next call is the probe, and a probe is how a provider wins its place back,
 *                so it is asked at its configured place whatever its window says); and not sick.
 *   2. sick      breaker closed, and a health score below SICK_BELOW over at least MIN_SAMPLES
 *                calls: after every ready provider, best score first (ties in configured order).
 *   3. open      breaker open and its probe not yet due, or a probe in flight (calls would wait
 *                for it): at the end. Not dropped: such a call fails in microseconds, and if
 *                every provider is open the chain still has something to say.
 *   4. spent     every API key retired, resting or at its quota as this instance last saw it
 *                (`usableNow()`, no store round trip): skipped — unless no provider of the other
 *                groups is left, in which case they stay in place, so the client hears
 *                RATE_LIMITED with the soonest retry time (their pools refuse at once, costing no
 *                upstream call) rather than a bare "no provider".
 *
 * The health score, over the provider's 5-minute window (src/market/routing/provider-health.ts):
 *
 *     n        calls in the window since its breaker last closed (attempts that reached it,
 *              retries included; a probe that closed the breaker wipes the slate)
 *     s        the share of those n calls that got an answer (NOT_FOUND is an answer)
 *     p95      the window's p95 latency of answered calls
 *     ref      the lowest p95 among the *other* providers of this chain in groups 1–2 that have
 *              n ≥ MIN_SAMPLES and a p95
 *     penalty  0 without ref, or when p95 − ref < LATENCY_GRACE_MS;
 *              else min(MAX_LATENCY_PENALTY, LATENCY_PENALTY_PER_DOUBLING × log2(p95 / ref))
 *     score    s − penalty,   and a provider is sick ⇔ n ≥ MIN_SAMPLES and score < SICK_BELOW
 *
 * So below MIN_SAMPLES calls a provider keeps its configured place; a provider is demoted by
 * failing more than one call in five, or by being, answering every call, more than four times
 * and more than a second slower at p95 than the fastest alternative (penalty above 0.2). A
 * provider that is merely slower than another (Alpha Vantage against FMP) keeps the place the user
 * gave it. Healthy providers are never reordered among themselves: the configured priority is the
 * order in normal times.
 */

/** Calls in the window below which a provider is not judged and keeps its configured place. */
export const MIN_SAMPLES = 20;
/** A provider scoring below this is sick and goes after the ready ones. */
export const SICK_BELOW = 0.8;
/** A p95 closer than this to the fastest alternative's is never penalised. */
export const LATENCY_GRACE_MS = 1_000;
export const LATENCY_PENALTY_PER_DOUBLING = 0.1;
export const MAX_LATENCY_PENALTY = 0.3;

/** What the router reads of one provider; every part is optional (the simulated market has no breaker or keys). */
export interface RoutingSources {
  /** The breaker's `probeDueAt()` (ProviderPipeline): 0 closed, else when the next call may pass. */
  readonly breaker?: { probeDueAt(): number } | undefined;
  readonly health?: { routing(): RoutingHealth } | undefined;
  readonly keys?: { usableNow?(): boolean } | undefined;
}

const READY = 0;
const SICK = 1;
const OPEN = 2;
const SPENT = 3;

/**
 * Orders the candidates of one chain. `sourcesOf` is asked once per candidate; `now` is
 * `Date.now()`, the breakers' clock. At most a handful of providers: small arrays, insertion
 * sort, no maps.
 */
export function routeChain<A extends { readonly id: string }>(
  candidates: readonly A[],
  sourcesOf: (id: string) => RoutingSources,
  now: number = Date.now(),
): A[] {
  const count = candidates.length;
  if (count === 0) return [];
  const groups = new Array<number>(count);
  const health = new Array<RoutingHealth | undefined>(count);
  const scores = new Array<number>(count).fill(1);
  let usable = 0;

  for (let i = 0; i < count; i++) {
    const sources = sourcesOf((candidates[i] as A).id);
    const dueAt = sources.breaker?.probeDueAt() ?? 0;
    if (sources.keys?.usableNow?.() === false) groups[i] = SPENT;
    else if (dueAt > now) groups[i] = OPEN;
    else {
      groups[i] = READY;
      // Only a closed breaker is judged by its window; a due probe is asked at its place.
      if (dueAt === 0) health[i] = sources.health?.routing();
    }
    if (groups[i] !== SPENT) usable += 1;
  }

  // Scores, for the judged (closed, enough samples) providers only.
  for (let i = 0; i < count; i++) {
    const own = health[i];
    if (!own || own.calls < MIN_SAMPLES) continue;
    let ref = Number.POSITIVE_INFINITY;
    for (let j = 0; j < count; j++) {
      const other = health[j];
      if (j !== i && other && other.calls >= MIN_SAMPLES && other.p95Ms !== null && other.p95Ms < ref) ref = other.p95Ms;
    }
    const score = (own.calls - own.failures) / own.calls - latencyPenalty(own.p95Ms, ref);
    scores[i] = score;
    if (score < SICK_BELOW) groups[i] = SICK;
  }

  // Candidate indices in chain order: group by group, each in configured order, the sick by score.
  const order: number[] = [];
  for (const group of [READY, SICK, OPEN, SPENT]) {
    if (group === SPENT && usable > 0) break;
    const start = order.length;
    for (let i = 0; i < count; i++) {
      if (groups[i] !== group) continue;
      let at = order.length;
      // Stable insertion, best score first; only the sick have scores that differ.
      if (group === SICK) while (at > start && (scores[order[at - 1] as number] as number) < (scores[i] as number)) at -= 1;
      order.splice(at, 0, i);
    }
  }
  return order.map((i) => candidates[i] as A);
}

/** The latency part of the score (see the top of this file). */
export function latencyPenalty(p95Ms: number | null, refMs: number): number {
  if (p95Ms === null || !Number.isFinite(refMs) || p95Ms - refMs < LATENCY_GRACE_MS) return 0;
  // A reference under a millisecond (an in-process provider) counts as one.
  return Math.min(MAX_LATENCY_PENALTY, LATENCY_PENALTY_PER_DOUBLING * Math.log2(p95Ms / Math.max(1, refMs)));
}
