import type { CivilDate } from './civil-date.js';

/**
 * Instants to New York wall-clock time and back, with daylight saving as the time-zone database
 * has it (through `Intl`, which ships it): the US exchanges' hours are New York hours, while the
 * gateway's clock is an instant and the machine may run in any zone. Nothing here reads the
 * process's local time.
 */

/** A New York date and time of day, to the minute. */
export interface NewYorkTime {
  readonly date: CivilDate;
  /** Minutes since New York midnight, 0 to 1439. */
  readonly minuteOfDay: number;
}

// One formatter, built once: they are costly to make. h23 so midnight is 00, never 24.
const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function wallFields(epochMs: number): WallFields {
  const fields: Record<string, number> = {};
  for (const part of NEW_YORK.formatToParts(epochMs)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return { year: fields['year']!, month: fields['month']!, day: fields['day']!, hour: fields['hour']!, minute: fields['minute']!, second: fields['second']! };
}

const HOUR_MS = 3_600_000;
/** Hours whose offset is remembered: about a year of distinct hours, a few hundred KB at most. */
const MAX_REMEMBERED_HOURS = 10_000;
const offsetsByHour = new Map<number, number>();

/**
 * New York's offset from UTC at an instant, in milliseconds (-4 h in summer, -5 h in winter).
 * Offsets change only on whole UTC hours (America/New_York switches at 06:00 or 07:00 UTC), so
 * each hour's is asked of `Intl` once and remembered: formatting costs tens of microseconds, and
 * grading a batch of quotes asks for the session of every one.
 */
function offsetAt(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = offsetsByHour.get(hour);
  if (offset === undefined) {
    const whole = hour * HOUR_MS;
    const wall = wallFields(whole);
    offset = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - whole;
    if (offsetsByHour.size >= MAX_REMEMBERED_HOURS) offsetsByHour.clear();
    offsetsByHour.set(hour, offset);
  }
  return offset;
}

export function newYorkTime(epochMs: number): NewYorkTime {
  const wall = new Date(epochMs + offsetAt(epochMs));
  return {
    date: { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() },
    minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

/**
 * The instant New York's clocks show `timeOfDayMs` (milliseconds since midnight) on `date`. Two
 * passes: the offset at a first guess, then at the instant that gives, which settles it on either
 * side of a switch. A time that does not exist (02:00–03:00 on the spring-forward Sunday) comes out
 * an hour off, and one that exists twice (01:00–02:00 in November) as its first occurrence;
 * exchange hours are never either. Also how providers read New York wall-clock stamps.
 */
export function newYorkInstant(date: CivilDate, timeOfDayMs: number): number {
  const asIfUtc = Date.UTC(date.year, date.month - 1, date.day) + timeOfDayMs;
  const first = asIfUtc - offsetAt(asIfUtc);
  return asIfUtc - offsetAt(first);
}
