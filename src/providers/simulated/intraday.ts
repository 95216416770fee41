import { SECONDS_PER_SESSION } from './calendar.js';
import type { Session } from './prices.js';
import { mix32, unitOf } from './random.js';

/**
 * The path a price takes inside one session, at one-second steps with linear interpolation in
 * between (so ticks a quarter second apart still move).
 *
 * The session's open, high, low and close are fixed first (see `prices.ts`); the path runs through
 * them in order — open, then high and low at their seconds, then close — as Brownian bridges of
 * hashed per-second steps, folded back into [low, high]. So the quote's running high and low at
 * the end of a session are exactly its daily bar, while old bars never need a path built. On top
 * of the walk, each second carries a little noise that does not accumulate, as trades bounce
 * between bid and ask, so the price visibly moves from tick to tick without widening the day.
 *
 * Building a session costs one pass over its 86,400 seconds and keeps only per-minute checkpoints
 * (the walk and the running high and low); any instant is then at most 59 steps from one, and
 * a live feed, asking for ever later instants, continues from the last one it asked for.
 */

const STEPS_PER_CHECKPOINT = 60;
const CHECKPOINTS = SECONDS_PER_SESSION / STEPS_PER_CHECKPOINT + 1;
const GOLDEN = 0x9e3779b1;
/** Uniform steps on [-0.5, 0.5) times this have unit variance. */
const UNIFORM_TO_UNIT_VARIANCE = Math.sqrt(12);
/** The bid-ask bounce, relative to a second's step of the walk. */
const BOUNCE_TO_STEP = 1.5;

/** The log price at one instant and the session's running extremes up to it. */
export interface IntradayPoint {
  readonly logPrice: number;
  readonly logHigh: number;
  readonly logLow: number;
}

/** One build buffer for the whole process: building is synchronous, so it is never shared. */
let walkScratch: Float64Array | undefined;

export class IntradayPath {
  /** Cumulative random walk, running high and running low, at every whole minute. */
  private readonly walkAt = new Float64Array(CHECKPOINTS);
  private readonly highAt = new Float64Array(CHECKPOINTS);
  private readonly lowAt = new Float64Array(CHECKPOINTS);
  /** The bridge's pins: open at 0 s, then the high and the low in time order, then the close. */
  private readonly pinSecond: Float64Array;
  private readonly pinValue: Float64Array;
  /** The raw walk at each pin, and each segment's bridge correction per second. */
  private readonly pinWalk = new Float64Array(4);
  private readonly slope = new Float64Array(3);
  private readonly logHigh: number;
  private readonly logLow: number;
  private readonly stepScale: number;
  private readonly bounceKey: number;
  /** The last whole second asked for, with the walk and extremes there: a memo, never a state. */
  private readonly cursor = { second: -1, walk: 0, high: 0, low: 0, value: 0 };

  constructor(
    session: Session,
    private readonly stepKey: number,
  ) {
    this.logHigh = session.logHigh;
    this.logLow = session.logLow;
    this.stepScale = (session.volatility / Math.sqrt(SECONDS_PER_SESSION)) * UNIFORM_TO_UNIT_VARIANCE;
    this.bounceKey = mix32(stepKey + 0x632be5ab);
    const highFirst = session.secondOfHigh < session.secondOfLow;
    this.pinSecond = Float64Array.of(
      0,
      highFirst ? session.secondOfHigh : session.secondOfLow,
      highFirst ? session.secondOfLow : session.secondOfHigh,
      SECONDS_PER_SESSION,
    );
    this.pinValue = Float64Array.of(
      session.logOpen,
      highFirst ? session.logHigh : session.logLow,
      highFirst ? session.logLow : session.logHigh,
      session.logClose,
    );
    this.build();
  }

  private step(second: number): number {
    return (unitOf(mix32(this.stepKey ^ Math.imul(second, GOLDEN))) - 0.5) * this.stepScale;
  }

  private bounce(second: number): number {
    return (unitOf(mix32(this.bounceKey ^ Math.imul(second, GOLDEN))) - 0.5) * this.stepScale * BOUNCE_TO_STEP;
  }

  /** One pass to lay down the walk, then one per bridge segment to record minute checkpoints. */
  private build(): void {
    walkScratch ??= new Float64Array(SECONDS_PER_SESSION + 1);
    const walk = walkScratch;
    walk[0] = 0;
    let sum = 0;
    for (let second = 1; second <= SECONDS_PER_SESSION; second++) {
      sum += this.step(second);
      walk[second] = sum;
    }
    for (let pin = 0; pin < 4; pin++) this.pinWalk[pin] = walk[this.pinSecond[pin] ?? 0] ?? 0;
    for (let segment = 0; segment < 3; segment++) {
      // A Brownian bridge: the walk, less the straight line that makes it land on the next pin.
      const walkGap = (this.pinWalk[segment + 1] ?? 0) - (this.pinWalk[segment] ?? 0);
      const valueGap = (this.pinValue[segment + 1] ?? 0) - (this.pinValue[segment] ?? 0);
      const span = (this.pinSecond[segment + 1] ?? 0) - (this.pinSecond[segment] ?? 0);
      this.slope[segment] = (walkGap - valueGap) / span;
    }

    const { logLow, logHigh } = this;
    let high = this.pinValue[0] ?? 0;
    let low = high;
    this.highAt[0] = high;
    this.lowAt[0] = low;
    let untilCheckpoint = STEPS_PER_CHECKPOINT;
    let checkpoint = 0;
    for (let segment = 0; segment < 3; segment++) {
      const start = this.pinSecond[segment] ?? 0;
      const end = this.pinSecond[segment + 1] ?? 0;
      const from = this.pinValue[segment] ?? 0;
      const to = this.pinValue[segment + 1] ?? 0;
      const walkFrom = this.pinWalk[segment] ?? 0;
      const slope = this.slope[segment] ?? 0;
      for (let second = start + 1; second <= end; second++) {
        const w = walk[second] ?? 0;
        // Exactly `valueAt`, unrolled per segment: this loop is most of a session's build time.
        const value =
          second === end ? to : fold(from + (w - walkFrom) - (second - start) * slope + this.bounce(second), logLow, logHigh);
        if (value > high) high = value;
        if (value < low) low = value;
        if (--untilCheckpoint === 0) {
          untilCheckpoint = STEPS_PER_CHECKPOINT;
          checkpoint += 1;
          this.walkAt[checkpoint] = w;
          this.highAt[checkpoint] = high;
          this.lowAt[checkpoint] = low;
        }
      }
    }
  }

  /** The log price at a whole second, given the raw walk there. */
  private valueAt(second: number, walk: number): number {
    const pins = this.pinSecond;
    const segment = second <= (pins[1] ?? 0) ? 0 : second <= (pins[2] ?? 0) ? 1 : 2;
    const start = pins[segment] ?? 0;
    if (second === start) return this.pinValue[segment] ?? 0;
    if (second === pins[segment + 1]) return this.pinValue[segment + 1] ?? 0;
    const bridged =
      (this.pinValue[segment] ?? 0) +
      (walk - (this.pinWalk[segment] ?? 0)) -
      (second - start) * (this.slope[segment] ?? 0) +
      this.bounce(second);
    return fold(bridged, this.logLow, this.logHigh);
  }

  /** The price `seconds` into the session (0 ≤ seconds < 86,400) and the extremes so far. */
  at(seconds: number): IntradayPoint {
    const whole = Math.min(Math.floor(seconds), SECONDS_PER_SESSION - 1);
    const checkpoint = Math.floor(whole / STEPS_PER_CHECKPOINT);
    const first = checkpoint * STEPS_PER_CHECKPOINT;
    const cursor = this.cursor;
    // Live ticks ask for ever later instants: carry on from the last one when it is on the way.
    const resume = cursor.second >= first && cursor.second <= whole;
    let second = resume ? cursor.second : first;
    let walk = resume ? cursor.walk : (this.walkAt[checkpoint] ?? 0);
    let high = resume ? cursor.high : (this.highAt[checkpoint] ?? 0);
    let low = resume ? cursor.low : (this.lowAt[checkpoint] ?? 0);
    let value = resume ? cursor.value : this.valueAt(first, walk);
    // Replays the same additions as the build, so the walk matches it bit for bit.
    while (second < whole) {
      second += 1;
      walk += this.step(second);
      value = this.valueAt(second, walk);
      if (value > high) high = value;
      if (value < low) low = value;
    }
    cursor.second = whole;
    cursor.walk = walk;
    cursor.high = high;
    cursor.low = low;
    cursor.value = value;
    const next = this.valueAt(whole + 1, walk + this.step(whole + 1));
    const logPrice = value + (seconds - whole) * (next - value);
    return { logPrice, logHigh: Math.max(high, logPrice), logLow: Math.min(low, logPrice) };
  }
}

/** Reflects x into [low, high], keeping the path continuous where it would leave the range. */
function fold(x: number, low: number, high: number): number {
  if (x >= low && x <= high) return x;
  const width = high - low;
  if (!(width > 0)) return low;
  const period = 2 * width;
  let offset = (x - low) % period;
  if (offset < 0) offset += period;
  return low + (offset <= width ? offset : period - offset);
}
