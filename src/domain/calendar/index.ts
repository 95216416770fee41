// The market calendar's public side: the US equity holidays, early closes, sessions and market
// status by exchange, and New York wall-clock time (the providers' stamps are in it too). Date
// arithmetic stays inside the folder.
export type { CivilDate } from './civil-date.js';
export { addDays, civilDate, dayNumber, fromDayNumber, isoDate } from './civil-date.js';
export { newYorkInstant, newYorkTime, type NewYorkTime } from './new-york-time.js';
export * from './us-equity-holidays.js';
export * from './us-equity-sessions.js';
export * from './market-status.js';
