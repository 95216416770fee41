import { describe, expect, it } from 'vitest';
import { looseNumber, looseText, requiredNumber, toIsoDate } from '../../src/providers/parse.js';

describe('looseNumber', () => {
  it.each([
    ['312.4200', 312.42],
    ['1.8418%', 1.8418],
    ['-0.5%', -0.5],
    ['1,234.5', 1234.5],
    [42, 42],
    ['  7 ', 7],
  ])('reads %j as %d', (input, expected) => {
    expect(looseNumber.parse(input)).toBe(expected);
  });

  it.each(['None', '-', '', 'N/A', '.', null, undefined, Number.NaN])('reads the missing value %j as null', (input) => {
    expect(looseNumber.parse(input)).toBeNull();
  });

  it.each(['abc', '12abc', {}, [1], true])('refuses %j', (input) => {
    expect(looseNumber.safeParse(input).success).toBe(false);
  });

  it('requiredNumber refuses a missing value', () => {
    expect(requiredNumber.safeParse('None').success).toBe(false);
    expect(requiredNumber.parse('1.5')).toBe(1.5);
  });
});

describe('looseText and toIsoDate', () => {
  it('reads missing text as null and trims the rest', () => {
    expect(looseText.parse('None')).toBeNull();
    expect(looseText.parse(' Apple ')).toBe('Apple');
    expect(looseText.parse(12)).toBeNull();
  });

  it('turns dates, date-times and epoch milliseconds into calendar dates', () => {
    expect(toIsoDate('2025-03-31')).toBe('2025-03-31');
    expect(toIsoDate('2025-03-31T20:00:00Z')).toBe('2025-03-31');
    expect(toIsoDate(1_743_451_200_000)).toBe('2025-03-31');
  });
});
