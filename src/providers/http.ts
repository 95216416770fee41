import { trace } from '@opentelemetry/api';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import { ProviderError, ProviderFailureKind, type ProviderId, type RefusalScope } from '../domain/index.js';
import { Redactor } from './redact.js';

export interface HttpClientOptions {
  readonly provider: ProviderId;
  /** Whole-call limit: connect, headers and body. */
  readonly timeoutMs: number;
  /** Largest response body read; past it the call fails as BAD_RESPONSE. */
  readonly maxBodyBytes: number;
  /** Every API key of this provider, so none can leak through a URL or an upstream message. */
  readonly secrets: readonly string[];
  /** Open connections kept per upstream origin. */
  readonly connectionsPerOrigin?: number;
}

/** What came back: the status, and the body parsed as JSON (non-JSON bodies never get here). */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

const USER_AGENT = 'marketgraph/0.1 (+https://github.com/marketgraph)';

/**
 * The one way adapters reach the network: keep-alive pools per origin, gzip/brotli decoding, a
 * timeout and a size cap on every call, and failures classified into the taxonomy with secrets
 * redacted. What a provider's *payload* means (its error bodies, its 200-with-an-error habits)
 * is the adapter's business; this client only guarantees a parsed JSON body or a ProviderError.
 */
export class ProviderHttpClient {
  private readonly dispatcher: Dispatcher;
  readonly redactor: Redactor;

  constructor(private readonly options: HttpClientOptions) {
    this.redactor = new Redactor(options.secrets);
    this.dispatcher = new Agent({
      connections: options.connectionsPerOrigin ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async getJson(url: URL, init: { readonly signal?: AbortSignal; readonly headers?: Record<string, string> } = {}): Promise<JsonResponse> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const where = this.redactor.url(url);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'GET',
        headers: { accept: 'application/json', 'accept-encoding': 'gzip, br', 'user-agent': USER_AGENT, ...init.headers },
        signal,
      });
    } catch (error) {
      throw this.failure(ProviderFailureKind.UNAVAILABLE, `request to ${where} failed: ${describe(error, timeout, this.options.timeoutMs)}`);
    }

    // On the attempt's span, when a trace is recording (resilience/pipeline.ts opens it).
    trace.getActiveSpan()?.setAttribute('http.response.status_code', response.statusCode);
    const text = await this.readText(response, timeout, where);
    const contentType = String(response.headers['content-type'] ?? '');
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);

    if (looksLikeHtml(contentType, text)) {
      // Gateways and CDNs answer outages with HTML error pages, whatever the status; but their 429
      // page is a rate limit, which rests the key and must never count against the breaker. Other
      // statuses do not decide here: a CDN's 403 or 404 page is about the edge, not our key or symbol.
      const kind = response.statusCode === 429 ? ProviderFailureKind.RATE_LIMITED : ProviderFailureKind.UNAVAILABLE;
      throw this.failure(kind, `${where} answered HTTP ${response.statusCode} with an HTML page`, text, retryAfterMs);
    }
    if (text.trim().length === 0) {
      const kind = kindOfStatus(response.statusCode) ?? ProviderFailureKind.BAD_RESPONSE;
      throw this.failure(kind, `${where} answered HTTP ${response.statusCode} with an empty body`, '', retryAfterMs, scopeOfStatus(response.statusCode));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A refusal in prose (FMP's 402 plan messages) is still a refusal: the status says which.
      const kind = kindOfStatus(response.statusCode) ?? ProviderFailureKind.BAD_RESPONSE;
      throw this.failure(kind, `${where} answered HTTP ${response.statusCode} with a body that is not JSON`, text, retryAfterMs, scopeOfStatus(response.statusCode));
    }
    return { status: response.statusCode, headers: response.headers, body };
  }

  /**
   * A classified failure with every secret removed from its message and upstream words. `scope`
   * says whether an UNAUTHORIZED refusal is about the key or its plan (see RefusalScope).
   */
  failure(kind: ProviderFailureKind, message: string, upstream?: string, retryAfterMs?: number, scope?: RefusalScope): ProviderError {
    return new ProviderError(kind, this.options.provider, this.redactor.text(message), {
      ...(upstream !== undefined ? { upstreamMessage: this.redactor.text(upstream.slice(0, 500)) } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(kind === ProviderFailureKind.UNAUTHORIZED && scope !== undefined ? { scope } : {}),
    });
  }

  /**
   * The usual meaning of an HTTP status for adapters that have nothing better to say: 429 rate
   * limited, 401/403 a key or plan problem, 404 not found, 5xx unavailable. `undefined` for 2xx.
   */
  failureForStatus(response: JsonResponse, message: string, upstream?: string): ProviderError | undefined {
    const { status } = response;
    if (status >= 200 && status < 300) return undefined;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const kind = kindOfStatus(status) ?? ProviderFailureKind.BAD_RESPONSE;
    return this.failure(kind, `${message} (HTTP ${status})`, upstream ?? JSON.stringify(response.body), retryAfterMs, scopeOfStatus(status));
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async readText(response: Dispatcher.ResponseData, timeout: AbortSignal, where: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      // Decoded here rather than by undici's (experimental) interceptor, and the size cap applies
      // to the decoded bytes, so a small compressed bomb cannot blow past it.
      for await (const chunk of decoded(response) as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.options.maxBodyBytes) {
          response.body.destroy();
          throw this.failure(ProviderFailureKind.BAD_RESPONSE, `${where} answered more than ${this.options.maxBodyBytes} bytes`);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw this.failure(ProviderFailureKind.UNAVAILABLE, `reading ${where} failed: ${describe(error, timeout, this.options.timeoutMs)}`);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }
}

function decoded(response: Dispatcher.ResponseData): NodeJS.ReadableStream {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'br'
        ? createBrotliDecompress()
        : encoding === 'deflate'
          ? createInflate()
          : undefined;
  if (!decoder) return response.body;
  // pipeline() destroys the decoder when the body fails, so the reading loop sees the error.
  return pipeline(response.body, decoder, () => undefined);
}

/** The kind an error status names on its own; undefined for 2xx and plain 4xx (our request's fault). */
export function kindOfStatus(status: number): ProviderFailureKind | undefined {
  if (status === 429) return ProviderFailureKind.RATE_LIMITED;
  if (status === 401 || status === 402 || status === 403) return ProviderFailureKind.UNAUTHORIZED;
  if (status === 404) return ProviderFailureKind.NOT_FOUND;
  if (status >= 500) return ProviderFailureKind.UNAVAILABLE;
  return undefined;
}

/**
 * What a refusal status says on its own: 401 is "who are you?" (the key), 402 and 403 are "not
 * with this plan". Adapters that read the provider's words override it where they know better.
 */
export function scopeOfStatus(status: number): RefusalScope | undefined {
  if (status === 401) return 'key';
  if (status === 402 || status === 403) return 'plan';
  return undefined;
}

function looksLikeHtml(contentType: string, text: string): boolean {
  if (contentType.includes('html')) return true;
  const start = text.trimStart().slice(0, 15).toLowerCase();
  return start.startsWith('<!doctype') || start.startsWith('<html');
}

/** Why a call failed; a timeout says how long it was, so an operator (or a test) can tell which limit ended it. */
function describe(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Retry-After as seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
