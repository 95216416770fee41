/** `S0`, `S1`, …: distinct valid symbols that no recorded fixture knows. */
export const symbolsFrom = (prefix: string, count: number, start = 0): string[] => Array.from({ length: count }, (_, index) => `${prefix}${start + index}`);
