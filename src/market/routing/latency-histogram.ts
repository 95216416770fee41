/**
 * The latency histogram of a provider's health window (provider-health.ts): fixed bins, so
 * recording is O(1) with no sort and the memory of a bucket does not grow with the call rate.
 *
 * Percentiles are nearest-rank over the window's merged histogram: the bin holding the rank-th
 * answer, reported as the bin's geometric middle, so within 2^(1/16) − 1 ≈ 4.4 % of a value that
 * really is in the bin. It is then clamped to the fastest and slowest answers of the window, so
 * with one answer, or all answers alike, the figure is exact, and the open top bin reports the
 * slowest answer.
 */

const BINS_PER_DOUBLING = 8;
const DOUBLINGS = 24;
/** Upper bound of bin 0; bin i ≥ 1 holds [0.1 · 2^((i−1)/8), 0.1 · 2^(i/8)) ms, the last is open-ended. */
const FIRST_BOUND_MS = 0.1;
/** Latency counters per bucket. */
export const BINS = 1 + BINS_PER_DOUBLING * DOUBLINGS;

/** What one bucket of the window holds of latency: its answers per bin, its fastest and slowest. */
export interface LatencyCounts {
  /** Answers per bin; undefined until the bucket's first answer. */
  readonly bins: Uint32Array | undefined;
  readonly minMs: number;
  readonly maxMs: number;
}

/** A window's latency: its buckets' bins added up. */
export interface Latency {
  readonly bins: Uint32Array;
  readonly answers: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export function binOf(ms: number): number {
  if (ms < FIRST_BOUND_MS) return 0;
  return Math.min(BINS - 1, 1 + Math.floor(Math.log2(ms / FIRST_BOUND_MS) * BINS_PER_DOUBLING));
}

/** Geometric middle of bin i ≥ 1. */
function middleOf(bin: number): number {
  return FIRST_BOUND_MS * 2 ** ((bin - 0.5) / BINS_PER_DOUBLING);
}

export function mergeLatency(buckets: readonly LatencyCounts[]): Latency {
  const bins = new Uint32Array(BINS);
  let answers = 0;
  let minMs = Infinity;
  let maxMs = 0;
  for (const bucket of buckets) {
    if (!bucket.bins) continue;
    bucket.bins.forEach((count, bin) => {
      bins[bin] = (bins[bin] ?? 0) + count;
      answers += count;
    });
    // A bucket without answers keeps Infinity and 0 here, which change nothing.
    minMs = Math.min(minMs, bucket.minMs);
    maxMs = Math.max(maxMs, bucket.maxMs);
  }
  return { bins, answers, minMs, maxMs };
}

/** Nearest-rank percentile over the histogram (see the top of this file for its precision). */
export function percentile(latency: Latency, q: number): number | null {
  if (latency.answers === 0) return null;
  const rank = Math.max(1, Math.ceil(q * latency.answers));
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += latency.bins[bin] ?? 0;
    if (seen < rank) continue;
    // Bin 0 has no useful middle, the top bin no upper bound: the window's extremes stand in.
    const estimate = bin === 0 ? latency.minMs : bin === BINS - 1 ? latency.maxMs : middleOf(bin);
    return Math.min(latency.maxMs, Math.max(latency.minMs, estimate));
  }
  return latency.maxMs;
}
