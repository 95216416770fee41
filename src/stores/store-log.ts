/**
 * What a shared store (a Redis-backed part) logs through: the app's logger, or anything shaped
 * like it. Stores log only their outages and returns, once each way.
 */
export interface StoreLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}
