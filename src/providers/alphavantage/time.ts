import { newYorkInstant as instantInNewYork } from '../../domain/index.js';

/**
 * Alpha Vantage stamps US data in US/Eastern wall-clock time ("2024-10-30 19:59:57.644") or gives
 * only the trading day. These turn either into an instant, daylight saving included.
 */

/** The instant a New York wall-clock time names (the market calendar's conversion, daylight saving included). */
export function newYorkInstant(date: string, hours: number, minutes = 0, seconds = 0, millis = 0): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(instantInNewYork({ year, month, day }, ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis));
}

/** The regular-session close (16:00 New York) of a trading day. */
export function closeOf(date: string): Date {
  return newYorkInstant(date, 16);
}

const STAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** "2024-10-30 19:59:57.644" (New York time) as an instant, or undefined when it is not one. */
export function parseNewYorkStamp(text: string): Date | undefined {
  const match = STAMP.exec(text.trim());
  if (!match) return undefined;
  const [, date, hours, minutes, seconds, fraction] = match as unknown as [string, string, string, string, string, string | undefined];
  const millis = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  const instant = newYorkInstant(date, Number(hours), Number(minutes), Number(seconds), millis);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
