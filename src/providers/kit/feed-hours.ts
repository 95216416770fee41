import { usEquitySession } from '../../domain/index.js';

/**
 * When a US equity feed can be expected to carry trades: in a session of a trading day by the
 * market calendar (src/domain/calendar: pre-market from 04:00, after-hours to 20:00 New York time,
 * 17:00 on early-close days; never on weekends, holidays or announced closures), in which the
 * documented feeds all trade. Outside them a feed that sends nothing of its own between trades is
 * quiet by nature, so its silence says nothing about the connection (stream-socket.ts).
 */
export function usEquityFeedHours(epochMs: number): boolean {
  return usEquitySession(epochMs) !== 'CLOSED';
}
