/**
 * Counter-based randomness: every random number is a pure hash of its coordinates (seed, symbol,
 * day, step, purpose). Nothing depends on call order or on when the process started, so any
 * price at any time can be computed directly, and two processes with one seed agree.
 */

/** A 32-bit integer finaliser with low bias (Wellons' "lowbias32"). */
export function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** Combines a key with one more coordinate into a new key. */
export function hash2(key: number, value: number): number {
  return mix32(mix32(key ^ 0x9e3779b9) ^ (value | 0));
}

export function hashString(text: string): number {
  // FNV-1a, then a finaliser so near-identical tickers (GOOG, GOOGL) land far apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/** Any number (float, negative, huge) as a well-mixed 32-bit key. */
export function seedKey(seed: number): number {
  return hashString(`seed:${String(seed)}`);
}

/** A 32-bit hash mapped into the open interval (0, 1), so logs and inverses stay finite. */
export function unitOf(hash: number): number {
  return (hash + 0.5) / 4_294_967_296;
}

/** The uniform number at `index` of the stream `key`, in (0, 1). */
export function uniformAt(key: number, index: number): number {
  return unitOf(hash2(key, index));
}

/** The standard normal number at `index` of the stream `key` (Box–Muller on two hashes). */
export function normalAt(key: number, index: number): number {
  const radius = Math.sqrt(-2 * Math.log(uniformAt(key, 2 * index)));
  return radius * Math.cos(2 * Math.PI * uniformAt(key, 2 * index + 1));
}

/** Purposes of the random streams derived from one symbol key; values are arbitrary but fixed. */
export const Stream = {
  DAILY: 1,
  GAP: 2,
  RANGE: 3,
  VOLUME: 4,
  INTRADAY: 5,
  MARKET: 6,
  FUNDAMENTALS: 7,
} as const;
