import { describe, expect, it } from 'vitest';
import { ErrorCode, MarketError, parseSymbol } from '../../src/domain/index.js';

describe('parseSymbol', () => {
  it.each([
    ['aapl', 'AAPL'],
    ['  msft ', 'MSFT'],
    ['brk.b', 'BRK.B'],
    ['BF-B', 'BF-B'],
    ['7203.T', '7203.T'],
    ['A', 'A'],
    ['ABCDEFGHIJKL', 'ABCDEFGHIJKL'],
  ])('accepts %j as %s', (input, expected) => {
    expect(parseSymbol(input)).toBe(expected);
  });

  it.each(['', '   ', 'NOPE!', '.AAPL', '-X', 'AAPL.', 'BRK..B', 'A-.B', 'ABCDEFGHIJKLM', 'AA PL', 'ÄPPLE', 'AAPL;DROP'])(
    'rejects %j with BAD_USER_INPUT',
    (input) => {
      let caught: unknown;
      try {
        parseSymbol(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MarketError);
      expect((caught as MarketError).code).toBe(ErrorCode.BAD_USER_INPUT);
      expect((caught as MarketError).message).toMatch(/not a valid symbol/);
    },
  );

  it('truncates a huge input in the message so errors stay small', () => {
    const huge = 'X'.repeat(10_000) + '!';
    expect(() => parseSymbol(huge)).toThrowError(/^"X{32}…" is not a valid symbol/);
  });
});
