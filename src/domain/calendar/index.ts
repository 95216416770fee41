// The market calendar's public side: the US equity holidays, early closes, sessions and market
// status by exchange. Date arithmetic and New York time stay inside the folder.
export type { CivilDate } from './civil-date.js';
export * from './us-equity-holidays.js';
export * from './us-equity-sessions.js';
export * from './market-status.js';
