import { DAY_MS, dayOf, isTradingDay, lastOrdinalOnOrBefore, SECONDS_PER_SESSION } from './calendar.js';
import { IntradayPath } from './intraday.js';
import { DailyPath, type Session } from './prices.js';
import { hash2, Stream } from './random.js';
import type { Listing } from './universe.js';

/** Where one instrument stands at one instant: the figures a quote and today's bar are made of. */
export interface Snapshot {
  readonly listing: Listing;
  readonly session: Session;
  readonly logPrice: number;
  readonly logHigh: number;
  readonly logLow: number;
  /** Shares traded in the session so far. */
  readonly volume: number;
  /** The instant the price reflects: the asked time, or the closing print once the session is over. */
  readonly timeMs: number;
}

/** Intraday paths kept per instrument: the live session's, plus one for a look at an earlier day. */
const INTRADAY_CACHE_SIZE = 2;
/** Volume intensity over the 24-hour session: quietest near 05:00 UTC, busiest near 17:00 UTC. */
const VOLUME_SWING = 0.8;
const VOLUME_QUIETEST = 0.2;

/** One listing's prices, built lazily: nothing is computed until the symbol is first asked for. */
export class Instrument {
  readonly daily: DailyPath;
  private readonly intradayKey: number;
  private readonly intraday = new Map<number, IntradayPath>();
  private lastSession: Session | undefined;

  constructor(
    readonly listing: Listing,
    issuerKey: number,
    marketKey: number,
  ) {
    this.daily = new DailyPath(listing, issuerKey, marketKey);
    this.intradayKey = hash2(issuerKey, Stream.INTRADAY);
  }

  snapshot(timeMs: number): Snapshot {
    const day = dayOf(timeMs);
    const ordinal = lastOrdinalOnOrBefore(day);
    const session = this.sessionOf(ordinal);
    // The close prints at the session's last millisecond, and holds through the weekend.
    const closingPrint = session.startMs + DAY_MS - 1;
    if (!isTradingDay(day) || timeMs >= closingPrint) {
      return {
        listing: this.listing,
        session,
        logPrice: session.logClose,
        logHigh: session.logHigh,
        logLow: session.logLow,
        volume: session.volume,
        timeMs: closingPrint,
      };
    }
    const seconds = (timeMs - session.startMs) / 1000;
    const point = this.intradayPath(session).at(seconds);
    return {
      listing: this.listing,
      session,
      ...point,
      volume: Math.round(session.volume * cumulativeVolumeShare(seconds / SECONDS_PER_SESSION)),
      timeMs,
    };
  }

  /** The session's shape, kept for the live one: a feed asks for the same session every tick. */
  private sessionOf(ordinal: number): Session {
    if (this.lastSession?.ordinal !== ordinal) this.lastSession = this.daily.session(ordinal);
    return this.lastSession;
  }

  private intradayPath(session: Session): IntradayPath {
    const cached = this.intraday.get(session.ordinal);
    if (cached !== undefined) return cached;
    const path = new IntradayPath(session, hash2(this.intradayKey, session.ordinal));
    if (this.intraday.size >= INTRADAY_CACHE_SIZE) {
      // Evict the session furthest in the past: the live one is always the latest asked for.
      const oldest = Math.min(...this.intraday.keys());
      this.intraday.delete(oldest);
    }
    this.intraday.set(session.ordinal, path);
    return path;
  }
}

/**
 * The share of a session's volume traded by `fraction` of it: the integral of an intensity
 * 1 − a·cos(2π(x − q)), which is positive for a < 1, so volume only grows, and is 1 at the close.
 */
function cumulativeVolumeShare(fraction: number): number {
  const k = VOLUME_SWING / (2 * Math.PI);
  const share =
    fraction - k * (Math.sin(2 * Math.PI * (fraction - VOLUME_QUIETEST)) + Math.sin(2 * Math.PI * VOLUME_QUIETEST));
  return Math.min(1, Math.max(0, share));
}
