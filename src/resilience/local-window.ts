import type { Consumed } from './window-counter.js';

interface Slot {
  count: number;
  resetAt: number;
}

/**
 * Fixed one-window-per-holder counts kept in process and answered synchronously: the request
 * budgets of an instance without Redis. The same windows as the rate-limiter-flexible memory
 * store they replace there (a holder's window opens at its first request and lasts `windowMs`; a
 * refused point still counts), without its timer per holder and its promises per request, which
 * showed in the cached path's profile.
 *
 * Memory: two generations of holders, the current one and the one before; a holder not seen for
 * two windows is gone, so what is held is bounded by the holders active in the last two windows.
 */
export class LocalWindows {
  private current = new Map<string, Slot>();
  private previous = new Map<string, Slot>();
  private rotatedAt: number;

  constructor(
    private readonly points: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAt = now();
  }

  /** Holders kept, in both generations (O(holders): for tests and diagnostics, not the request path). */
  get holders(): number {
    return new Set([...this.current.keys(), ...this.previous.keys()]).size;
  }

  consume(id: string, cost: number): Consumed {
    const now = this.now();
    if (now - this.rotatedAt >= this.windowMs) {
      this.previous = this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
    let slot = this.current.get(id);
    if (slot === undefined) {
      slot = this.previous.get(id) ?? { count: 0, resetAt: 0 };
      this.current.set(id, slot);
    }
    if (slot.resetAt <= now) {
      slot.count = 0;
      slot.resetAt = now + this.windowMs;
    }
    slot.count += cost;
    if (slot.count > this.points) return { granted: false, resetAt: slot.resetAt, fits: 0 };
    return { granted: true, resetAt: slot.resetAt, fits: this.points - slot.count };
  }
}
