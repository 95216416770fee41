/**
 * Alpha Vantage spells US share classes with a dash (BRK-B) because a dot introduces an exchange
 * suffix (TSCO.LON, SHOP.TRT). Our canonical form is BRK.B, so a single-letter class after a dot
 * becomes a dash on the way out and back again on the way in; every other symbol passes as is.
 */

const CANONICAL_CLASS = /^([A-Z0-9]+)\.([A-Z])$/;
const PROVIDER_CLASS = /^([A-Z0-9]+)-([A-Z])$/;

export function toProviderSymbol(symbol: string): string {
  return symbol.replace(CANONICAL_CLASS, '$1-$2');
}

export function fromProviderSymbol(symbol: string): string {
  return symbol.trim().toUpperCase().replace(PROVIDER_CLASS, '$1.$2');
}

/** True for a listing outside the US: after the share-class translation, only an exchange suffix has a dot. */
export function isListedAbroad(symbol: string): boolean {
  return toProviderSymbol(symbol).includes('.');
}

/** Exchanges named by the suffixes Alpha Vantage documents; US listings carry none and stay unnamed. */
const EXCHANGE_OF_SUFFIX: Readonly<Record<string, string>> = {
  LON: 'LSE',
  TRT: 'TSX',
  TRV: 'TSXV',
  DEX: 'XETRA',
  FRK: 'FRA',
  BSE: 'BSE',
  SHH: 'SSE',
  SHZ: 'SZSE',
};

export function exchangeOfSymbol(symbol: string): string | null {
  const suffix = /\.([A-Z]{3})$/.exec(symbol)?.[1];
  return suffix === undefined ? null : (EXCHANGE_OF_SUFFIX[suffix] ?? null);
}
