import WebSocket from 'ws';
import { Redactor } from '../redact.js';
import { fullJitterDelay, type BackoffSettings, type StreamClock, type StreamTimer } from './stream-clock.js';
import type { StreamEvents, StreamState } from './stream-events.js';
import type { StreamMessage, StreamProtocol, Tick } from './stream-protocol.js';

/** How one upstream connection behaves; the source fills it from its own options. */
export interface StreamSocketOptions {
  readonly provider: string;
  /** "finnhub#1": names the connection in events, never the key. */
  readonly connection: string;
  /** The configured `<NAME>_WS_URL`. */
  readonly baseUrl: string;
  readonly key: string;
  readonly protocol: StreamProtocol;
  readonly events: StreamEvents;
  readonly clock: StreamClock;
  /** Uniform in [0, 1): the jitter of reconnect delays. */
  readonly random: () => number;
  readonly backoff: BackoffSettings;
  /** No frame at all (heartbeats included) for this long while connected → the connection is dropped and redialled. */
  readonly silenceMs: number;
  /** Whether a feed without keep-alives is expected to trade at a time (silence counts only then). */
  readonly feedHours: (epochMs: number) => boolean;
  /** Upgrade (and, for `message` authentication, the answer to it) must complete within this long. */
  readonly handshakeTimeoutMs: number;
  /** After a refusal, the key rests this long before a watched symbol may dial with it again. */
  readonly refusalRestMs: number;
  readonly onTicks: (ticks: readonly Tick[]) => void;
  readonly onSymbolsFailed: (symbols: readonly string[], reason: string) => void;
  /** The key was refused; the symbols this connection carried are the source's to move or fail. */
  readonly onRefused: (reason: string) => void;
}

/** Upgrade statuses that mean "this key", not "this server": no point in redialling soon. */
const REFUSED_STATUSES = new Set([401, 403]);

/**
 * One upstream connection for one API key, carrying every symbol watched on that key. It dials on
 * the first watched symbol and hangs up after the last; in between it redials after every loss
 * (exponential backoff, full jitter, capped), resubscribes everything it carries, and treats a
 * connection that has gone silent as lost. A refused key is reported once and not redialled until
 * its rest is over. Nothing here throws at the caller: faults become events and state.
 */
export class StreamSocket {
  private current: StreamState = 'idle';
  private socket: WebSocket | undefined;
  /** Every symbol carried, subscribed or waiting for authentication. */
  private readonly wanted = new Set<string>();
  private attempts = 0;
  private malformed = 0;
  private reconnectTimer: StreamTimer | undefined;
  private silenceTimer: StreamTimer | undefined;
  private heartbeatTimer: StreamTimer | undefined;
  private handshakeTimer: StreamTimer | undefined;
  private refusedUntil = Number.NEGATIVE_INFINITY;
  private readonly redactor: Redactor;

  constructor(private readonly options: StreamSocketOptions) {
    this.redactor = new Redactor([options.key]);
  }

  get state(): StreamState {
    return this.current;
  }

  /** Symbols carried now. */
  get symbols(): ReadonlySet<string> {
    return this.wanted;
  }

  /** Whether the key is resting after a refusal. */
  get resting(): boolean {
    return this.options.clock.now() < this.refusedUntil;
  }

  watch(symbol: string): void {
    if (this.wanted.has(symbol)) return;
    this.wanted.add(symbol);
    this.announceSymbols();
    if (this.current === 'authenticated') this.sendAll(this.options.protocol.subscribe([symbol]));
    else if (this.current === 'idle' || this.current === 'refused') this.dial();
  }

  unwatch(symbol: string): void {
    if (!this.wanted.delete(symbol)) return;
    this.announceSymbols();
    if (this.wanted.size === 0) {
      // The last one left: hang up rather than leave an unsubscribe on an idle socket.
      this.hangUp(this.current === 'refused' ? 'refused' : 'idle');
      return;
    }
    if (this.current === 'authenticated') this.sendAll(this.options.protocol.unsubscribe([symbol]));
  }

  /** Forgets symbols the provider refused, so they are not resubscribed after a reconnect. */
  drop(symbols: readonly string[]): void {
    let changed = false;
    for (const symbol of symbols) changed = this.wanted.delete(symbol) || changed;
    if (changed) this.announceSymbols();
    if (this.wanted.size === 0) this.hangUp(this.current === 'refused' ? 'refused' : 'idle');
  }

  /** Closes for good. */
  close(): void {
    this.wanted.clear();
    this.hangUp('closed');
  }

  private dial(): void {
    if (this.resting) return;
    this.cancelTimers();
    this.moveTo('connecting');
    const url = this.options.protocol.url(this.options.baseUrl, this.options.key);
    // permessage-deflate off: ticks are small, and inflating costs CPU on every frame.
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: this.options.handshakeTimeoutMs });
    this.socket = socket;
    this.handshakeTimer = this.options.clock.setTimer(() => this.lost(socket, 'handshake timed out'), this.options.handshakeTimeoutMs);
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      if (REFUSED_STATUSES.has(status)) this.refuse(socket, `upgrade refused with HTTP ${status}`);
      else this.lost(socket, `HTTP ${status}`);
    });
    socket.on('open', () => this.opened(socket));
    socket.on('message', (data: WebSocket.RawData) => this.received(socket, data));
    socket.on('close', (code: number) => this.lost(socket, `closed ${code}`));
    // 'close' follows every 'error'; listening keeps an error from being thrown at the process.
    socket.on('error', () => undefined);
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.moveTo('open');
    this.armSilence(socket);
    this.sendAll(this.options.protocol.greeting(this.options.key));
    if (this.options.protocol.authentication === 'url') this.authenticated(socket);
  }

  private authenticated(socket: WebSocket): void {
    if (socket !== this.socket || this.current !== 'open') return;
    this.handshakeTimer?.cancel();
    this.attempts = 0;
    this.moveTo('authenticated');
    if (this.wanted.size > 0) this.sendAll(this.options.protocol.subscribe([...this.wanted]));
    this.armHeartbeat(socket);
  }

  private received(socket: WebSocket, data: WebSocket.RawData): void {
    if (socket !== this.socket) return;
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
    this.options.events.emitFrame({ ...this.ref(), bytes: Buffer.byteLength(text) });
    this.armSilence(socket);
    let messages: readonly StreamMessage[];
    try {
      messages = this.options.protocol.parse(text);
    } catch (error) {
      // A parser must not throw; if one does, the frame is garbage all the same.
      messages = [{ kind: 'malformed', reason: error instanceof Error ? error.message : 'parser failed' }];
    }
    for (const message of messages) {
      if (socket !== this.socket) return;
      this.handle(socket, message);
    }
  }

  private handle(socket: WebSocket, message: StreamMessage): void {
    switch (message.kind) {
      case 'ticks':
        if (message.ticks.length > 0) this.options.onTicks(message.ticks);
        return;
      case 'authenticated':
        this.authenticated(socket);
        return;
      case 'refused':
        this.refuse(socket, message.reason);
        return;
      case 'symbols-failed':
        this.drop(message.symbols);
        this.options.onSymbolsFailed(message.symbols, message.reason);
        return;
      case 'malformed':
        this.malformed += 1;
        this.options.events.emitMalformedFrame({ ...this.ref(), reason: this.redactor.text(message.reason).slice(0, 200), total: this.malformed });
        return;
      case 'control':
        return;
    }
  }

  private refuse(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) return;
    this.refusedUntil = this.options.clock.now() + this.options.refusalRestMs;
    const said = this.redactor.text(reason).slice(0, 200);
    this.hangUp('refused');
    this.options.events.emitAuthRefused({ ...this.ref(), reason: said, retryAt: this.refusedUntil });
    this.options.onRefused(said);
  }

  /** The connection ended without our asking: redial after a backoff, if anything is still wanted. */
  private lost(socket: WebSocket, reason: string): void {
    if (socket !== this.socket) return;
    this.detach();
    // Detached first, so whatever the dying socket still emits is ignored.
    if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    if (this.wanted.size === 0) {
      this.moveTo('idle');
      return;
    }
    this.attempts += 1;
    const delayMs = fullJitterDelay(this.attempts, this.options.backoff, this.options.random);
    this.moveTo('reconnecting');
    this.options.events.emitReconnect({ ...this.ref(), attempt: this.attempts, delayMs, reason: this.redactor.text(reason) });
    this.reconnectTimer = this.options.clock.setTimer(() => {
      this.reconnectTimer = undefined;
      if (this.current === 'reconnecting') this.dial();
    }, delayMs);
  }

  private armSilence(socket: WebSocket): void {
    this.silenceTimer?.cancel();
    this.silenceTimer = this.options.clock.setTimer(() => {
      if (socket !== this.socket) return;
      // A feed that only speaks when something trades is quiet overnight and at weekends: there its
      // silence is no sign of a dead connection, so it is looked at again a window later.
      if (!this.options.protocol.keepsAlive && !this.options.feedHours(this.options.clock.now())) return this.armSilence(socket);
      this.lost(socket, `silent for ${this.options.silenceMs} ms`);
    }, this.options.silenceMs);
  }

  private armHeartbeat(socket: WebSocket): void {
    const heartbeat = this.options.protocol.heartbeat;
    if (!heartbeat) return;
    this.heartbeatTimer = this.options.clock.setTimer(() => {
      if (socket !== this.socket || this.current !== 'authenticated') return;
      this.sendAll([heartbeat.frame]);
      this.armHeartbeat(socket);
    }, heartbeat.everyMs);
  }

  private sendAll(frames: readonly string[]): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    // A send that fails means the socket is going; its 'close' brings the reconnect.
    for (const frame of frames) socket.send(frame, () => undefined);
  }

  private hangUp(to: 'idle' | 'refused' | 'closed'): void {
    const socket = this.socket;
    this.detach();
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      // terminate() cannot throw on a socket still connecting; close() would.
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      else socket.terminate();
    }
    this.moveTo(to);
  }

  /** Stops listening to the current socket: whatever it does from now on is none of ours. */
  private detach(): void {
    this.socket = undefined;
    this.cancelTimers();
  }

  private cancelTimers(): void {
    for (const timer of [this.reconnectTimer, this.silenceTimer, this.heartbeatTimer, this.handshakeTimer]) timer?.cancel();
    this.reconnectTimer = this.silenceTimer = this.heartbeatTimer = this.handshakeTimer = undefined;
  }

  private moveTo(to: StreamState): void {
    const from = this.current;
    if (from === to || from === 'closed') return;
    this.current = to;
    this.options.events.emitStateChange({ ...this.ref(), from, to });
  }

  private announceSymbols(): void {
    this.options.events.emitSymbolsChange({ ...this.ref(), symbols: this.wanted.size });
  }

  private ref(): { provider: string; connection: string } {
    return { provider: this.options.provider, connection: this.options.connection };
  }
}
