import { DAY_MS, dayOfOrdinal, lastOrdinalOnOrBefore, opensAfterClosedDay, SECONDS_PER_SESSION } from './calendar.js';
import { hash2, normalAt, Stream, uniformAt } from './random.js';
import type { Listing } from './universe.js';

/**
 * Daily prices: a geometric Brownian motion per symbol, pinned at the anchor session to the
 * listing's price (so prices stay roughly real around 2025) and walked forward and backward from
 * there. Each day's return is hashed from (seed, issuer, session), so a close never depends on
 * which dates were asked first; the running sums are memoised per symbol.
 */

/** The session whose close is each listing's anchor price (Monday 2025-06-30). */
export const ANCHOR_ORDINAL = lastOrdinalOnOrBefore(Date.UTC(2025, 5, 30) / DAY_MS);
/** Weekdays in a year: every weekday trades, so annual volatility spreads over all of them. */
export const SESSIONS_PER_YEAR = 261;
/** How far from the anchor a path may be walked (about 60 years each way), to bound memory. */
const MAX_SESSIONS_FROM_ANCHOR = SESSIONS_PER_YEAR * 60;

const ANNUAL_DRIFT = 0.07;
const MARKET_VOLATILITY = 0.16;
/** Shares traded per day as a fraction of shares outstanding. */
const TURNOVER = { EQUITY: 0.005, ETF: 0.05 } as const;

/** One session's shape: everything the daily bar and the intraday path are built from. */
export interface Session {
  readonly ordinal: number;
  readonly startMs: number;
  readonly logPreviousClose: number;
  readonly logOpen: number;
  readonly logHigh: number;
  readonly logLow: number;
  readonly logClose: number;
  /** Whole seconds into the session at which the high and the low print (distinct, inside). */
  readonly secondOfHigh: number;
  readonly secondOfLow: number;
  /** Shares traded over the whole session. */
  readonly volume: number;
  /** Standard deviation of the session's log return, which scales its intraday noise. */
  readonly volatility: number;
}

export class DailyPath {
  /** Log closes from the anchor forward (index 0 is the anchor session) and backward. */
  private readonly forward: number[];
  private readonly backward: number[];
  private readonly dailyVolatility: number;
  private readonly drift: number;
  private readonly marketWeight: number;
  private readonly ownWeight: number;
  private readonly baseVolume: number;
  private readonly returnKey: number;
  private readonly gapKey: number;
  private readonly rangeKey: number;
  private readonly volumeKey: number;

  constructor(
    listing: Listing,
    issuerKey: number,
    private readonly marketKey: number,
  ) {
    const anchor = Math.log(listing.anchorPrice);
    this.forward = [anchor];
    this.backward = [anchor];
    this.dailyVolatility = listing.volatility / Math.sqrt(SESSIONS_PER_YEAR);
    this.drift = (ANNUAL_DRIFT - (listing.volatility * listing.volatility) / 2) / SESSIONS_PER_YEAR;
    // Part of each day's move is the market's, so an index and its members rise and fall together.
    const correlation = Math.min((listing.beta * MARKET_VOLATILITY) / listing.volatility, 0.95);
    this.marketWeight = correlation;
    this.ownWeight = Math.sqrt(1 - correlation * correlation);
    this.baseVolume = listing.sharesOutstanding * TURNOVER[listing.type];
    this.returnKey = hash2(issuerKey, Stream.DAILY);
    this.gapKey = hash2(issuerKey, Stream.GAP);
    this.rangeKey = hash2(issuerKey, Stream.RANGE);
    this.volumeKey = hash2(issuerKey, Stream.VOLUME);
  }

  /** The log return from the previous session's close to this session's close. */
  private logReturn(ordinal: number): number {
    const shock = this.marketWeight * normalAt(this.marketKey, ordinal) + this.ownWeight * normalAt(this.returnKey, ordinal);
    return this.drift + this.dailyVolatility * shock;
  }

  logClose(ordinal: number): number {
    const offset = ordinal - ANCHOR_ORDINAL;
    if (Math.abs(offset) > MAX_SESSIONS_FROM_ANCHOR) {
      throw new RangeError(`The simulated market has no prices for session ${ordinal}: too far from 2025.`);
    }
    if (offset >= 0) {
      const path = this.forward;
      let last = path[path.length - 1] ?? 0;
      while (path.length <= offset) {
        last += this.logReturn(ANCHOR_ORDINAL + path.length);
        path.push(last);
      }
      return path[offset] ?? last;
    }
    const path = this.backward;
    let last = path[path.length - 1] ?? 0;
    while (path.length <= -offset) {
      // The close before session k is its close minus its return.
      last -= this.logReturn(ANCHOR_ORDINAL - path.length + 1);
      path.push(last);
    }
    return path[-offset] ?? last;
  }

  session(ordinal: number): Session {
    const logPreviousClose = this.logClose(ordinal - 1);
    const logClose = this.logClose(ordinal);
    const sigma = this.dailyVolatility;
    // Sessions run back to back on trading days, so only one after a weekend or holiday opens away from the last close.
    const gap = opensAfterClosedDay(ordinal) ? 0.5 * sigma * normalAt(this.gapKey, ordinal) : 0;
    const logOpen = logPreviousClose + gap;
    const move = logClose - logOpen;
    // High and low drawn from the law of the maximum and minimum of a Brownian bridge from open to
    // close: they always bracket both, and their spread scales with the session's volatility.
    const spread = (u: number): number => Math.sqrt(move * move - 2 * sigma * sigma * Math.log(u));
    const logHigh = logOpen + (move + spread(uniformAt(this.rangeKey, 8 * ordinal))) / 2;
    const logLow = logOpen + (move - spread(uniformAt(this.rangeKey, 8 * ordinal + 1))) / 2;
    const timing = (index: number): number => uniformAt(this.rangeKey, 8 * ordinal + 2 + index);
    const { secondOfHigh, secondOfLow } = extremeTimesOf(timing, sigma, logOpen, logHigh, logLow, logClose);
    // Busy days are big-move days.
    const activity = Math.exp(0.3 * normalAt(this.volumeKey, ordinal)) * (0.7 + (0.3 * Math.abs(logClose - logPreviousClose)) / sigma);
    return {
      ordinal,
      startMs: dayOfOrdinal(ordinal) * DAY_MS,
      logPreviousClose,
      logOpen,
      logHigh,
      logLow,
      logClose,
      secondOfHigh,
      secondOfLow,
      volume: Math.max(1, Math.round(this.baseVolume * activity)),
      volatility: sigma,
    };
  }
}

/**
 * When the high and the low print. A rising session more often dips first and peaks later. Each
 * leg (open → first extreme → second → close) takes time in proportion to its distance squared,
 * as a random walk would, times a random factor, so a big move is never crammed into a minute.
 */
function extremeTimesOf(
  uniform: (index: number) => number,
  sigma: number,
  logOpen: number,
  logHigh: number,
  logLow: number,
  logClose: number,
): { secondOfHigh: number; secondOfLow: number } {
  const move = logClose - logOpen;
  const highFirst = uniform(0) < 0.5 * (1 - move / (Math.abs(move) + sigma));
  const firstExtreme = highFirst ? logHigh : logLow;
  const secondExtreme = highFirst ? logLow : logHigh;
  const effort = (distance: number, index: number): number =>
    (Math.abs(distance) + 0.3 * sigma) ** 2 * (0.5 + uniform(index));
  const leg1 = effort(firstExtreme - logOpen, 1);
  const leg2 = effort(secondExtreme - firstExtreme, 2);
  const leg3 = effort(logClose - secondExtreme, 3);
  const scale = SECONDS_PER_SESSION / (leg1 + leg2 + leg3);
  const firstSecond = Math.min(SECONDS_PER_SESSION - 2, Math.max(1, Math.round(leg1 * scale)));
  const secondSecond = Math.min(SECONDS_PER_SESSION - 1, Math.max(firstSecond + 1, Math.round((leg1 + leg2) * scale)));
  return highFirst
    ? { secondOfHigh: firstSecond, secondOfLow: secondSecond }
    : { secondOfHigh: secondSecond, secondOfLow: firstSecond };
}

/** A price rounded to cents; never below one cent, so a long slide still quotes a positive price. */
export function toCents(logPrice: number): number {
  return Math.max(0.01, Math.round(Math.exp(logPrice) * 100) / 100);
}
