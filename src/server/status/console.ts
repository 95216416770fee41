import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, MarketError } from '../../domain/index.js';
import { credentialHeaders, sendAuthFailure, type RequestAuthenticator } from '../authentication.js';
import { sendHtml } from '../pages/html.js';
import { STATUS_PAGE, STATUS_PAGE_POLICY } from './page.js';
import type { StatusSource } from './snapshot.js';

export type { StatusSnapshot, StatusSource } from './snapshot.js';

export const STATUS_PATH = '/status';
const EVENTS_PATH = '/status/events';

export interface StatusConsoleOptions {
  readonly source: StatusSource;
  readonly authenticator: RequestAuthenticator;
  /** How often an open console gets a snapshot (default 500 ms: a breaker that opens shows within a second). */
  readonly intervalMs?: number;
}

/**
 * The operators' status console: the page at /status (every asset inline, so it works with no
 * internet), and its live feed at /status/events, a Server-Sent Events stream of snapshots for a
 * consumer with PROVIDER_STATUS (credentials as for /graphql: the page sends them as headers, so
 * it reads the stream with fetch rather than EventSource). Admin actions go through /graphql's
 * mutations, where ADMIN and the audit trail already apply.
 */
export class StatusConsole {
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly options: StatusConsoleOptions) {}

  handles(pathname: string): boolean {
    return pathname === STATUS_PATH || pathname === EVENTS_PATH;
  }

  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ errors: [{ message: `${pathname} answers GET only.`, extensions: { code: 'BAD_REQUEST' } }] }));
      return;
    }
    if (pathname === STATUS_PATH) return sendHtml(response, STATUS_PAGE, STATUS_PAGE_POLICY);
    let admin: boolean;
    try {
      const authenticated = this.options.authenticator.fromHeaders(credentialHeaders(request));
      const { consumer } = authenticated instanceof Promise ? await authenticated : authenticated;
      if (!consumer.rights.has('PROVIDER_STATUS')) return forbidden(response);
      admin = consumer.rights.has('ADMIN');
    } catch (error) {
      if (!(error instanceof MarketError)) throw error;
      return sendAuthFailure(response, error);
    }
    this.stream(request, response, admin);
  }

  /** Ends every open stream (shutdown): a console is no reason to hold the process. */
  close(): void {
    for (const response of this.streams) response.end();
    this.streams.clear();
  }

  private stream(request: IncomingMessage, response: ServerResponse, admin: boolean): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    this.streams.add(response);
    let sending = false;
    const send = async (): Promise<void> => {
      // A console that reads slower than snapshots come skips them rather than queueing them.
      if (sending || response.writableNeedDrain) return;
      sending = true;
      try {
        const snapshot = await this.options.source({ admin });
        if (!response.writableEnded) response.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
      } catch {
        if (!response.writableEnded) response.write(`event: failure\ndata: {"message":"the gateway could not read its status"}\n\n`);
      } finally {
        sending = false;
      }
    };
    void send();
    const timer = setInterval(() => void send(), this.options.intervalMs ?? 500);
    const stop = (): void => {
      clearInterval(timer);
      this.streams.delete(response);
    };
    request.once('close', stop);
    response.once('close', stop);
  }
}

function forbidden(response: ServerResponse): void {
  const body = JSON.stringify({
    errors: [{ message: 'The status console needs the PROVIDER_STATUS right.', extensions: { code: ErrorCode.FORBIDDEN, right: 'PROVIDER_STATUS' } }],
  });
  response.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
