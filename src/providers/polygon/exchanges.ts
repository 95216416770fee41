/**
 * Polygon names primary exchanges by ISO 10383 MIC; clients know them by name. An exchange not
 * listed here keeps its MIC, which is still a correct, if terse, answer.
 */
const EXCHANGE_NAMES: Readonly<Record<string, string>> = {
  XNAS: 'NASDAQ',
  XNYS: 'NYSE',
  XASE: 'NYSE American',
  ARCX: 'NYSE Arca',
  XCHI: 'NYSE Chicago',
  BATS: 'Cboe BZX',
  IEXG: 'IEX',
  OTCM: 'OTC',
  OOTC: 'OTC',
};

export function exchangeName(mic: string | null): string | null {
  if (mic === null) return null;
  return EXCHANGE_NAMES[mic.toUpperCase()] ?? mic.toUpperCase();
}
