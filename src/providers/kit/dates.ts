/** Calendar-date arithmetic on YYYY-MM-DD strings, in the UTC calendar, as providers date sessions. */

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant in UTC. */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD date moved by whole days. */
export function addDays(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** The Monday of a YYYY-MM-DD date's week (UTC calendar). */
export function mondayOf(date: string): string {
  const time = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(time).getUTCDay() + 6) % 7;
  return new Date(time - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** Whether [from, to] holds a weekday, i.e. whether any session can fall in it. */
export function spansWeekday(from: string, to: string): boolean {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) return false;
  for (let time = start; time <= end && time < start + 7 * DAY_MS; time += DAY_MS) {
    const weekday = new Date(time).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return true;
  }
  return false;
}
