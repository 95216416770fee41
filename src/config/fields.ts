import { z } from 'zod';
import { parseQuota, type QuotaSetting } from './quota.js';

/** The shapes settings are written in: numbers in a range, booleans, lists, quotas, delays, URLs. */

export const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

export const keyList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

/** `60/min,30/s`: the plan's limits per key (see quota.ts). */
export const quota = z.string().transform((value, context): readonly QuotaSetting[] => {
  const parsed = parseQuota(value);
  if (typeof parsed === 'string') {
    context.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const DELAYS_FORMAT = 'expected retry delays in milliseconds like "1000,2000,4000" (1 to 10 whole numbers, each 1 to 3600000)';

/** `1000,2000,4000`: one delay per retry, in order. */
export const delayList = z.string().transform((value, context): readonly number[] => {
  const items = value.split(',').map((item) => item.trim());
  const delays = items.map((item) => (/^\d+$/.test(item) ? Number(item) : Number.NaN));
  const bad = items.find((item, index) => !Number.isSafeInteger(delays[index]) || (delays[index] as number) < 1 || (delays[index] as number) > 3_600_000);
  if (bad !== undefined || delays.length > 10) {
    context.addIssue({ code: 'custom', message: bad === undefined ? `${DELAYS_FORMAT}; got ${delays.length}` : `${DELAYS_FORMAT}; "${bad}" is not one` });
    return z.NEVER;
  }
  return delays;
});

export const baseUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

/** Providers reached over HTTP, with the env prefix of their settings. */
