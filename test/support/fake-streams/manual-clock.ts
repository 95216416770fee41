import type { StreamClock, StreamTimer } from '../../../src/providers/kit/stream-clock.js';

/**
 * A StreamClock moved by hand: timers fire only in `advance`, in the order they fall due, so a
 * test reads "30 s of silence" as one call rather than a wait, and a slow machine changes nothing.
 */
export class ManualClock implements StreamClock {
  private time: number;
  private readonly timers: Array<{ at: number; order: number; callback: () => void; cancelled: boolean }> = [];
  private order = 0;

  /** Any fixed origin: streams only use differences, so no test depends on the calendar. */
  constructor(origin = 1_000_000) {
    this.time = origin;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): StreamTimer {
    const timer = { at: this.time + Math.max(0, ms), order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers pending now (not fired, not cancelled). */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, those they set included. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => !timer.cancelled && timer.at <= end)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      due.cancelled = true;
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
    for (let index = this.timers.length - 1; index >= 0; index--) if (this.timers[index]?.cancelled) this.timers.splice(index, 1);
  }
}
