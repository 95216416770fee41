/**
 * When a US equity feed can be expected to carry trades: Monday to Friday, 04:00 to 20:00 New York
 * time (pre-market, the regular session and after-hours, in which the documented feeds all trade).
 * Outside them a feed that sends nothing of its own between trades is quiet by nature, so its
 * silence says nothing about the connection (stream-socket.ts).
 *
 * Exchange holidays are not known here: on one, a quiet feed is taken for a dead one and redialled
 * once per silence window, which costs a connection, not a wrong price. The market calendar (with
 * holidays and early closes) belongs to the data-quality work and should replace this.
 */
export function usEquityFeedHours(epochMs: number): boolean {
  const parts = NEW_YORK.formatToParts(epochMs);
  const weekday = parts.find((part) => part.type === 'weekday')?.value;
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  if (weekday === 'Sat' || weekday === 'Sun') return false;
  return hour >= 4 && hour < 20;
}

// Intl knows New York's daylight-saving rules; one formatter, built once (they are costly to make).
const NEW_YORK = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
