/**
 * Milliseconds since the epoch: the gateway's one notion of "now" for market data (the simulated
 * market's prices, how old a quote is, what "15 minutes ago" means for delayed quotes, the default
 * end of a price history). Durations (timeouts, windows, TTLs) need no such clock: any clock that
 * runs at the right speed measures them.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * A clock that read `startMs` when this process started and runs on in real time from there.
 * Anchored to the process's own start (`performance.timeOrigin`), not to when the setting was
 * read, so whoever started the process knows its clock to within the time `exec` takes: a test
 * that spawns a gateway can compute the gateway's "now" without asking it.
 */
export function clockStartingAt(startMs: number, processStartMs: number = performance.timeOrigin): Clock {
  const offsetMs = startMs - processStartMs;
  return () => Date.now() + offsetMs;
}
