/**
 * Time and chance for stream connections, injectable so tests drive backoffs, silence and
 * heartbeats by hand instead of waiting on the wall clock.
 */

/** A pending timer; cancelling one that already fired does nothing. */
export interface StreamTimer {
  cancel(): void;
}

export interface StreamClock {
  /** Milliseconds since the epoch (or any origin: only differences are used, and `retryAt`). */
  now(): number;
  /** Calls `callback` once after `ms`. */
  setTimer(callback: () => void, ms: number): StreamTimer;
}

/** The process clock; timers are unref'd so an idle stream never keeps the process alive. */
export const systemStreamClock: StreamClock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

export interface BackoffSettings {
  /** The first delay's ceiling, in ms: attempt 1 waits up to this long. */
  readonly baseMs: number;
  /** No delay is ever longer than this, in ms, however many attempts failed. */
  readonly maxMs: number;
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a delay drawn uniformly
 * from [0, min(max, base · 2^(attempt-1))). Spreading reconnects over the whole window keeps many
 * gateway instances that lost the provider at the same instant from dialling back in lockstep.
 */
export function fullJitterDelay(attempt: number, settings: BackoffSettings, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
