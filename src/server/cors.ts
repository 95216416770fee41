import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Which browser origins may call the gateway (CORS_ORIGINS): a frontend served from another origin
 * than the gateway's, or a hosted GraphQL IDE (Apollo Studio's Sandbox). Credentials travel in
 * `Authorization` or `X-API-Key`, never in cookies, so an allowed origin gains nothing a page
 * could not send anyway; the list decides which pages may read the answers.
 *
 * An entry is `*` (any origin), an exact origin (`https://app.example.com`), or an origin with a
 * `*` for the leftmost host label or for the port (`https://*.example.com`, `http://localhost:*`).
 * A page on the gateway's own origin is always allowed. With `publicOrigin` (PUBLIC_ORIGIN) that
 * is exactly the origin configured, and nothing the request says about itself. Without it, it is
 * the host the request was sent to, which behind `trustedProxyHops` proxies (TRUST_PROXY_HOPS) is
 * the one they forwarded in X-Forwarded-Host; but a DNS-rebinding page (attacker.example, its name
 * pointed at the gateway's address after the page loaded) sends Host: attacker.example with Origin
 * http://attacker.example, which then counts as the gateway's own. This matters most for
 * WebSocket upgrades, where browsers apply no CORS and this check is the only one.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly patterns: readonly RegExp[];

  constructor(
    origins: readonly string[],
    private readonly trustedProxyHops = 0,
    /** The gateway's own origin as browsers reach it (`https://api.example.com`), already normalised. */
    private readonly publicOrigin?: string,
  ) {
    this.any = origins.includes('*');
    this.patterns = origins.filter((origin) => origin !== '*').map(originPattern);
  }

  /** Whether a request's Origin (absent: not a cross-origin browser request) may be answered. */
  allows(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined || this.any) return true;
    if (this.publicOrigin !== undefined) {
      if (serialized(origin) === this.publicOrigin) return true;
    } else {
      const host = this.hostOf(request);
      if (host !== undefined && sameHost(origin, host)) return true;
    }
    return this.patterns.some((pattern) => pattern.test(origin.toLowerCase()));
  }

  private hostOf(request: IncomingMessage): string | undefined {
    const forwarded = this.trustedProxyHops > 0 ? request.headers['x-forwarded-host'] : undefined;
    // The proxy nearest the client wrote the first entry: the host the browser asked for.
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return first || request.headers.host;
  }

  /**
   * Answers a preflight (OPTIONS): 204 with what the browser asked to send allowed, or 403 with a
   * GraphQL error naming the setting when the origin is not on the list.
   */
  preflight(request: IncomingMessage, response: ServerResponse): void {
    const origin = request.headers.origin;
    if (!this.allows(request)) {
      const body = JSON.stringify({
        errors: [{ message: `Origin ${origin} may not call this gateway from a browser: add it to CORS_ORIGINS.`, extensions: { code: 'FORBIDDEN', reason: 'origin' } }],
      });
      response.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), vary: 'Origin' });
      response.end(body);
      return;
    }
    const headers: Record<string, string> = { allow: ALLOWED_METHODS, 'content-length': '0' };
    if (origin !== undefined) {
      Object.assign(headers, this.originHeaders(origin), {
        'access-control-allow-methods': ALLOWED_METHODS,
        // Whatever headers the client wants to send: credentials, content type, Apollo's client
        // awareness and CSRF headers. The gateway reads only the ones it knows.
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? 'content-type',
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
        vary: 'Origin, Access-Control-Request-Headers',
      });
    }
    response.writeHead(204, headers);
    response.end();
  }

  /** Sets the CORS headers of an answer to a (non-preflight) request from an allowed origin. */
  decorate(request: IncomingMessage, response: ServerResponse): void {
    setHeaderPairs(response, this.headersFor(request));
  }

  /**
   * What `decorate` sets, as name/value pairs: the response cache's lane writes them with its own
   * headers in one `writeHead`, which is cheaper than a `setHeader` each (see answer-lane.ts).
   */
  headersFor(request: IncomingMessage): readonly string[] {
    const origin = request.headers.origin;
    if (origin === undefined || !this.allows(request)) return VARY_ORIGIN;
    return ['vary', 'Origin', 'access-control-allow-origin', this.any ? '*' : origin, 'access-control-expose-headers', EXPOSED_HEADERS];
  }

  private originHeaders(origin: string): Record<string, string> {
    return { 'access-control-allow-origin': this.any ? '*' : origin };
  }
}

/** Sets `pairs` (name, value, name, value, …) on the response. */
export function setHeaderPairs(response: ServerResponse, pairs: readonly string[]): void {
  for (let index = 0; index + 1 < pairs.length; index += 2) response.setHeader(pairs[index] as string, pairs[index + 1] as string);
}

const VARY_ORIGIN: readonly string[] = Object.freeze(['vary', 'Origin']);
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** Browsers cap it anyway (Chromium at 2 hours); 10 minutes keeps a changed list from lingering. */
const PREFLIGHT_MAX_AGE_S = 600;
/** What a frontend may read besides the CORS-safelisted headers: back-off, caching and auth hints. */
const EXPOSED_HEADERS = 'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Cache, Age, WWW-Authenticate';

/** The syntax of an entry, as src/config/cors.ts validates it. */
const ORIGIN_ENTRY = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?$/;

function originPattern(entry: string): RegExp {
  const match = ORIGIN_ENTRY.exec(entry.toLowerCase());
  if (!match) throw new Error(`not an origin: ${entry}`);
  const [, scheme, anySubdomain, host, port] = match;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hostPattern = `${anySubdomain ? '[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.' : ''}${escape(host ?? '')}`;
  const portPattern = port === '*' ? '(?::\\d{1,5})?' : port ? `:${port}` : '';
  return new RegExp(`^${scheme}://${hostPattern}${portPattern}$`);
}

/** A page served by the gateway itself: its Origin names the host the request was sent to. */
function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** An Origin as the URL standard serialises it (lower-case host, no default port), or undefined. */
function serialized(origin: string): string | undefined {
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}
