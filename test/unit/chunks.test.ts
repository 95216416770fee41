import { describe, expect, it } from 'vitest';
import { chunk, mapBounded } from '../../src/market/chunks.js';

describe('chunk', () => {
  it('splits into consecutive chunks of the size, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk(Array.from({ length: 250 }, (_, index) => index), 100).map((part) => part.length)).toEqual([100, 100, 50]);
  });

  it('treats a size below 1 or a fraction as a whole size of at least 1', () => {
    expect(chunk(['a', 'b'], 0)).toEqual([['a'], ['b']]);
    expect(chunk(['a', 'b', 'c'], 2.9)).toEqual([['a', 'b'], ['c']]);
    expect(chunk([], 10)).toEqual([]);
  });
});

describe('mapBounded', () => {
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

  it('keeps at most `limit` running, answers in input order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      for (let wait = 0; wait < item; wait += 1) await tick();
      running -= 1;
      return item * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('still does the work with a limit below 1, one at a time', async () => {
    let running = 0;
    let most = 0;
    const results = await mapBounded(['a', 'b', 'c'], 0, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
      return item.toUpperCase();
    });
    expect(results).toEqual(['A', 'B', 'C']);
    expect(most).toBe(1);
  });
});
