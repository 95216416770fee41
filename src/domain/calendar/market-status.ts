import { ErrorCode, MarketError } from '../errors.js';
import { usEquityState, type MarketSession } from './us-equity-sessions.js';

/**
 * Market status by exchange: which exchanges the gateway knows the hours of, and what it answers
 * for them at an instant. Only exchanges whose calendar is modelled are answered; any other is
 * refused by name, never answered from a neighbour's hours.
 */

/** The exchanges answered, by their canonical code. Nasdaq keeps NYSE's holidays, early closes and sessions. */
export const MODELLED_EXCHANGES = ['NYSE', 'NASDAQ'] as const;
export type ModelledExchange = (typeof MODELLED_EXCHANGES)[number];

/** What a caller may write for each (any case): the common code and the ISO 10383 MIC. */
const EXCHANGE_CODES: Readonly<Record<string, ModelledExchange>> = {
  NYSE: 'NYSE',
  XNYS: 'NYSE',
  NASDAQ: 'NASDAQ',
  XNAS: 'NASDAQ',
};

export interface MarketStatus {
  /** The canonical code of the exchange asked (XNAS → NASDAQ). */
  readonly exchange: ModelledExchange;
  /** Whether the regular session is open. */
  readonly isOpen: boolean;
  readonly session: MarketSession;
  readonly holiday: string | null;
  readonly earlyClose: boolean;
  readonly nextOpen: Date;
  readonly nextClose: Date;
  /** The instant answered for. */
  readonly asOf: Date;
}

/** The exchange a code names, or BAD_USER_INPUT naming the exchanges modelled. */
export function modelledExchange(code: string): ModelledExchange {
  const exchange = EXCHANGE_CODES[code.trim().toUpperCase()];
  if (exchange) return exchange;
  // Echo at most 40 characters of what was asked: the message must stay readable whatever came in.
  const asked = code.length > 40 ? `${code.slice(0, 40)}…` : code;
  throw new MarketError(
    ErrorCode.BAD_USER_INPUT,
    `The market hours of "${asked}" are not modelled: this gateway knows ${MODELLED_EXCHANGES.join(' and ')} (also as XNYS, XNAS).`,
    { field: 'exchange', exchanges: MODELLED_EXCHANGES },
  );
}

export function marketStatus(code: string, epochMs: number): MarketStatus {
  const exchange = modelledExchange(code);
  // One calendar for both exchanges today; a third would choose its own here.
  const state = usEquityState(epochMs);
  return {
    exchange,
    isOpen: state.session === 'REGULAR',
    session: state.session,
    holiday: state.holiday,
    earlyClose: state.earlyClose,
    nextOpen: new Date(state.nextOpen),
    nextClose: new Date(state.nextClose),
    asOf: new Date(epochMs),
  };
}
