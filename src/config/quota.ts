/**
 * `<NAME>_QUOTA`: a provider plan's limits per API key, as a list of `N/s`, `N/min` or `N/day`
 * ("60/min,30/s"). The shape matches src/resilience's QuotaLimit, which this layer may not import.
 */
export type QuotaWindowSetting = 'second' | 'minute' | 'day';

export interface QuotaSetting {
  readonly points: number;
  readonly per: QuotaWindowSetting;
}

const UNITS: Readonly<Record<string, QuotaWindowSetting>> = {
  s: 'second',
  sec: 'second',
  second: 'second',
  min: 'minute',
  minute: 'minute',
  day: 'day',
};

const ITEM = /^(\d+)\s*\/\s*([a-z]+)$/i;

export const QUOTA_FORMAT = 'expected limits like "250/day" or "60/min,30/s" (each N/s, N/min or N/day, N ≥ 1)';

/** The limits a quota text names, or why it is not one (a message for one ConfigError line). */
export function parseQuota(text: string): readonly QuotaSetting[] | string {
  const limits: QuotaSetting[] = [];
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) return QUOTA_FORMAT;
  for (const item of items) {
    const match = ITEM.exec(item);
    const per = match ? UNITS[(match[2] ?? '').toLowerCase()] : undefined;
    const points = match ? Number(match[1]) : Number.NaN;
    if (!per || !Number.isSafeInteger(points) || points < 1) return `${QUOTA_FORMAT}; "${item}" is not one`;
    if (limits.some((limit) => limit.per === per)) return `${QUOTA_FORMAT}; the ${per} limit is given twice`;
    limits.push({ points, per });
  }
  return limits;
}

/** The providers' free tiers (2025): what a key may do when nothing else is said. */
export const DEFAULT_QUOTAS = {
  alphavantage: '25/day',
  fmp: '250/day',
  polygon: '5/min',
  finnhub: '60/min,30/s',
  twelvedata: '8/min,800/day',
  fred: '120/min',
} as const;
