import type { Consumed, WindowCounter } from './window-counter.js';

/**
 * Largest chunk taken at once: one store call per this many requests of a busy consumer. Above a
 * consumer's concurrent requests (100 connections in bench/versus.mjs), or each renewal serves
 * only part of those waiting and the rest queue for the next round trip.
 */
export const MAX_LEASE = 128;
/**
 * A chunk is at most this fraction of what the window has left cluster-wide, so leases shrink as
 * a budget runs out and the last requests of a window are counted one by one; budgets under
 * 2 × LEASE_DIVISOR are always counted one by one.
 */
export const LEASE_DIVISOR = 64;
/** How long a spent window is refused in process before the store is asked again. */
const REFUSAL_RECHECK_MS = 1_000;
/** Budget holders with a lease kept in one instance; past it, the oldest leases go (see below). */
const MAX_LEASES = 10_000;
/** What pruning leaves: a tenth of the room freed at once. */
const PRUNED_TO = MAX_LEASES * 0.9;

/** Points of one holder's window taken from the store and not yet spent. */
interface Lease {
  left: number;
  resetAt: number;
  /** What the window had left cluster-wide once this lease was taken. */
  fits: number;
  /** When the store was last asked for this holder. */
  askedAt: number;
  /** A chunk being taken: concurrent requests wait for it rather than each asking the store. */
  renewing: Promise<void> | undefined;
}

/**
 * A window counted in a shared store (Redis) a chunk at a time: one store call takes up to
 * MAX_LEASE points, which this instance then spends in process, so a busy consumer's requests cost
 * a map update instead of a Redis round trip each (with its timeout, promise and allocation: the
 * round trip was most of a cached request's cost).
 *
 * The error is bounded, and only ever towards refusing early, never towards admitting more: a
 * point is spent locally only after the store counted it, so the cluster never admits more than
 * the budget. What a lease holds unspent when its window ends, or when its holder's requests move
 * to another instance, is lost for that window: with N instances a consumer may be refused having
 * spent as few as `budget − (N − 1) × chunk` requests, where a chunk is at most MAX_LEASE and at most
 * 1/LEASE_DIVISOR of what the window had left (so never more than budget / 64 per instance, and
 * exact for budgets under 128). An instance evicting a lease (over MAX_LEASES holders) loses the
 * same way. While the store is down, the counter's own fallback (in-process counting) lends the
 * chunks, with its own documented bound.
 */
export class LeasedWindow {
  /** By holder; past MAX_LEASES, expired leases go, then the oldest (a Map keeps insertion order). */
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly counter: WindowCounter,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One point of `id`'s window: what `WindowCounter.consume(id, 1)` answers, at once from a lease
   * that holds points, else once a chunk is taken.
   */
  consume(id: string): Consumed | Promise<Consumed> {
    return this.spend(this.leases.get(id), this.now()) ?? this.consumeWaiting(id);
  }

  /** One point from `lease` when it holds one in a window still open. */
  private spend(lease: Lease | undefined, now: number): Consumed | undefined {
    if (lease === undefined || lease.resetAt <= now || lease.left <= 0) return undefined;
    lease.left -= 1;
    return { granted: true, resetAt: lease.resetAt, fits: lease.fits + lease.left };
  }

  /** `consume` when the lease is spent, expired or being renewed. */
  private async consumeWaiting(id: string): Promise<Consumed> {
    for (;;) {
      const lease = this.leases.get(id);
      const now = this.now();
      const spent = this.spend(lease, now);
      if (spent) return spent;
      if (lease?.renewing) {
        await lease.renewing;
        continue;
      }
      // Spent cluster-wide: counts only rise until the window resets, so a consumer hammering a
      // spent budget is refused here, and the store asked again at most once per REFUSAL_RECHECK_MS
      // (which is also how an instance carries its count up to a Redis that came back empty).
      if (lease !== undefined && lease.resetAt > now && lease.fits < 1 && now - lease.askedAt < REFUSAL_RECHECK_MS) {
        return { granted: false, resetAt: lease.resetAt, fits: 0 };
      }
      return this.renew(id, lease, now);
    }
  }

  /**
   * Room for new holders: leases of ended windows first, then the oldest (whose unspent points are
   * lost, as stated above), down to PRUNED_TO, so the walk is paid once per many new holders rather
   * than by each one while the map is full.
   */
  private prune(now: number): void {
    for (const [id, lease] of this.leases) if (lease.resetAt <= now && !lease.renewing) this.leases.delete(id);
    for (const [id, lease] of this.leases) {
      if (this.leases.size <= PRUNED_TO) return;
      if (!lease.renewing) this.leases.delete(id);
    }
  }

  /** Takes a new chunk for `id` (the only caller for it until it settles) and spends its first point. */
  private async renew(id: string, previous: Lease | undefined, now: number): Promise<Consumed> {
    const known = previous !== undefined && previous.resetAt > now ? previous.fits : this.counter.limit.points;
    const chunk = Math.max(1, Math.min(MAX_LEASE, Math.floor(known / LEASE_DIVISOR)));
    const lease: Lease = { left: 0, resetAt: 0, fits: 0, askedAt: now, renewing: undefined };
    let settle: () => void = () => undefined;
    lease.renewing = new Promise<void>((resolve) => (settle = resolve));
    if (previous === undefined && this.leases.size >= MAX_LEASES) this.prune(now);
    this.leases.set(id, lease);
    try {
      let taken = chunk;
      let consumed = await this.counter.consume(id, chunk);
      // A chunk larger than what is left is refused and given back whole: a single point may still fit.
      if (!consumed.granted && chunk > 1 && consumed.fits >= 1) {
        taken = 1;
        consumed = await this.counter.consume(id, 1);
      }
      lease.resetAt = consumed.resetAt;
      lease.fits = consumed.fits;
      if (!consumed.granted) return consumed;
      lease.left = taken - 1;
      return { granted: true, resetAt: consumed.resetAt, fits: consumed.fits + lease.left };
    } finally {
      lease.renewing = undefined;
      settle();
    }
  }
}
