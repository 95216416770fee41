import type { IncomingMessage, ServerResponse } from 'node:http';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { MarketError } from '../../domain/index.js';
import { credentialHeaders, type RequestAuthenticator } from '../authentication.js';
import { sendJson } from '../health.js';
import { CONSOLE_POLICY, consolePage } from './console-page.js';
import { ENDPOINT_PAGE_POLICY, endpointPage } from './endpoint-page.js';
import { sendHtml } from './html.js';

export { sandboxWithFallback } from './sandbox-fallback.js';

/** Where the built-in console is served (with SANDBOX on). */
export const CONSOLE_PATH = '/console';

export interface BrowserPagesOptions {
  readonly schema: GraphQLSchema;
  readonly graphqlPath: string;
  /** The console at CONSOLE_PATH (SANDBOX). */
  readonly console: boolean;
  /** Apollo Sandbox answers browsers on the GraphQL path; otherwise the endpoint page does. */
  readonly sandboxOnGraphQL: boolean;
  /** The same introspection rules as GraphQL requests: whoever may not introspect sees no SDL. */
  readonly introspection: boolean;
  readonly introspectionProfiles: ReadonlySet<string>;
  readonly authenticator: RequestAuthenticator;
  readonly trustedProxyHops: number;
}

/** The pages a person in a browser gets from the gateway, and the answer to a GET that asks for nothing. */
export class BrowserPages {
  private sdl: string | undefined;

  constructor(private readonly options: BrowserPagesOptions) {}

  /**
   * A GET on the GraphQL path that is not an operation: a browser gets the endpoint page (unless
   * Apollo Sandbox is served), a program a 400 saying how to send one. Apollo would answer both
   * with its CSRF refusal. Returns false for what Apollo should handle: operations (`query`, or
   * `extensions` for a persisted query's hash) and the Sandbox page.
   */
  answerGet(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    if (prefersHtml(request.headers.accept)) {
      if (this.options.sandboxOnGraphQL) return false;
      const consolePath = this.options.console ? CONSOLE_PATH : undefined;
      sendHtml(response, endpointPage({ url: publicUrl(request, this.options.trustedProxyHops, this.options.graphqlPath), consolePath }), ENDPOINT_PAGE_POLICY);
      return true;
    }
    if (url.searchParams.has('query') || url.searchParams.has('extensions')) return false;
    sendJson(response, 400, {
      errors: [
        {
          message: `GET ${this.options.graphqlPath} needs an operation: POST a JSON body {"query": "…", "variables": {…}} with content-type: application/json, or GET ?query=…&variables=… with the header apollo-require-preflight: true.`,
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    return true;
  }

  /** Whatever is asked of /console: the page for a GET while it is on (SANDBOX), else why not. */
  serveConsolePath(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> | void {
    if (!this.options.console) return sendJson(response, 404, { error: `Nothing at ${url.pathname}: the console is off (SANDBOX). GraphQL is at ${this.options.graphqlPath}.` });
    if (request.method === 'GET') return this.sendConsole(request, response);
    return sendJson(response, 405, { error: `${CONSOLE_PATH} is a page: GET it. GraphQL is at ${this.options.graphqlPath}.` });
  }

  /** The console, with the schema's SDL for callers who may introspect it. */
  async sendConsole(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const schema = (await this.mayIntrospect(request))
      ? { sdl: (this.sdl ??= printSchemaWithDirectives(this.options.schema)) }
      : { hidden: 'The schema is not shown: introspection is off for your profile (INTROSPECTION, INTROSPECTION_PROFILES). The examples and the console still work with your credentials.' };
    sendHtml(response, consolePage(this.options.graphqlPath, schema), CONSOLE_POLICY);
  }

  private async mayIntrospect(request: IncomingMessage): Promise<boolean> {
    if (this.options.introspection) return true;
    try {
      const { consumer } = await this.options.authenticator.fromHeaders(credentialHeaders(request));
      return this.options.introspectionProfiles.has(consumer.profile);
    } catch (error) {
      // Credentials that prove nothing show no schema; the page itself is no secret.
      if (error instanceof MarketError) return false;
      throw error;
    }
  }
}

/** Media types Apollo answers a GET with; HTML must rank above all of them, as for Apollo's landing page. */
const ANSWER_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed'];

/**
 * Whether an Accept header prefers HTML to the JSON answers, as a browser navigating to the URL
 * does (`text/html,…,*\/*;q=0.8`). Each type takes the quality of its most specific range; a tie
 * goes to JSON, so `*\/*` (curl) gets JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return { range, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const rank = (type: string): readonly [number, number] => {
    const [major] = type.split('/');
    let best: readonly [number, number] = [0, -1];
    for (const { range, q } of ranges) {
      const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > best[1]) best = [q, specificity];
    }
    return best;
  };
  const html = rank('text/html');
  if (html[0] <= 0) return false;
  return ANSWER_TYPES.every((type) => {
    const other = rank(type);
    return html[0] > other[0] || (html[0] === other[0] && html[1] > other[1]);
  });
}

/**
 * The endpoint's URL as the browser reached it, for the page's curl example: the Host it asked
 * for, or behind trusted proxies the forwarded host and scheme. Anything that is not plainly a
 * host name falls back to a placeholder rather than going into the page.
 */
function publicUrl(request: IncomingMessage, trustedProxyHops: number, path: string): string {
  const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const forwarded = trustedProxyHops > 0;
  const host = (forwarded && first(request.headers['x-forwarded-host'])) || request.headers.host;
  const scheme = forwarded ? first(request.headers['x-forwarded-proto']) : undefined;
  const safeHost = host && /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/i.test(host) ? host : '<gateway-host>';
  return `${scheme === 'https' ? 'https' : 'http'}://${safeHost}${path}`;
}
