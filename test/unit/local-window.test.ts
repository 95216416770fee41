import { describe, expect, it } from 'vitest';
import { LocalWindows } from '../../src/resilience/local-window.js';

/** Request windows counted in process (src/resilience/local-window.ts), on a clock the test moves. */
describe('local request windows', () => {
  it('gives each holder its points once per window, opened by its first request', () => {
    const clock = { ms: 1_000 };
    const windows = new LocalWindows(2, 60_000, () => clock.ms);
    expect(windows.consume('a', 1)).toEqual({ granted: true, resetAt: 61_000, fits: 1 });
    clock.ms += 30_000;
    expect(windows.consume('b', 1)).toEqual({ granted: true, resetAt: 91_000, fits: 1 });
    expect(windows.consume('a', 1)).toEqual({ granted: true, resetAt: 61_000, fits: 0 });
    expect(windows.consume('a', 1)).toEqual({ granted: false, resetAt: 61_000, fits: 0 });
    clock.ms = 61_000;
    // a's window ended; b's goes on (and the generations rotated in between: nothing is lost).
    expect(windows.consume('a', 1)).toEqual({ granted: true, resetAt: 121_000, fits: 1 });
    expect(windows.consume('b', 1)).toEqual({ granted: true, resetAt: 91_000, fits: 0 });
    expect(windows.consume('b', 1).granted).toBe(false);
  });

  it('counts refused points, so a holder that keeps asking stays refused until its window resets', () => {
    const clock = { ms: 0 };
    const windows = new LocalWindows(1, 60_000, () => clock.ms);
    windows.consume('a', 1);
    for (let request = 0; request < 5; request++) expect(windows.consume('a', 1).granted).toBe(false);
    clock.ms = 59_999;
    expect(windows.consume('a', 1).granted).toBe(false);
    clock.ms = 60_000;
    expect(windows.consume('a', 1).granted).toBe(true);
  });

  it('forgets a holder not seen for two windows', () => {
    const clock = { ms: 0 };
    const windows = new LocalWindows(1, 60_000, () => clock.ms);
    windows.consume('gone', 1);
    clock.ms = 60_000;
    windows.consume('other', 1);
    clock.ms = 120_000;
    windows.consume('other', 1);
    // Two rotations: the generation holding "gone" is dropped.
    expect(windows.holders).toBe(1);
  });
});
