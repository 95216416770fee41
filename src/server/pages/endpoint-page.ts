import { BASE_POLICY, cspHash, escapeHtml, PAGE_STYLE, pageHead } from './html.js';

/** No script at all: the page only explains. */
export const ENDPOINT_PAGE_POLICY = `${BASE_POLICY}; style-src ${cspHash(PAGE_STYLE)}`;

/**
 * What a browser gets on GET /graphql where Apollo Sandbox is not served (NODE_ENV=production, or
 * SANDBOX=false): what this URL is and how to call it, instead of Apollo's CSRF refusal, which
 * reads like a fault to someone who only opened a link.
 */
export function endpointPage(options: { readonly url: string; readonly consolePath: string | undefined }): string {
  const url = escapeHtml(options.url);
  const wsUrl = escapeHtml(options.url.replace(/^http/, 'ws'));
  const consoleLink = options.consolePath
    ? `<p>To try queries in this browser, open the console: <a href="${escapeHtml(options.consolePath)}">${escapeHtml(options.consolePath)}</a>.</p>`
    : '';
  return `${pageHead('marketgraph GraphQL endpoint')}
<body>
<h1>marketgraph GraphQL endpoint</h1>
<p>This URL is a GraphQL API for market data, not a web page: programs send it queries and get JSON back.</p>
${consoleLink}
<h2>Send a query</h2>
<pre id="curl">curl -X POST ${url} \\
  -H 'content-type: application/json' \\
  --data '{"query":"{ quote(symbol: \\"AAPL\\") { symbol price change timestamp } }"}'</pre>
<p>Add <code>-H 'Authorization: Bearer &lt;token&gt;'</code> or <code>-H 'X-API-Key: &lt;key&gt;'</code> to get the rights of your profile. Errors come back as JSON with <code>errors[].extensions.code</code>.</p>
<p>GET works too, with the operation in <code>?query=…&amp;variables=…</code>, but only with the header <code>apollo-require-preflight: true</code> (or a JSON content type): that is the gateway's protection against cross-site request forgery.</p>
<h2>Live quotes</h2>
<p>Subscriptions use graphql-ws (subprotocol <code>graphql-transport-ws</code>) on <code>${wsUrl}</code>, with the credentials as <code>authorization</code> or <code>x-api-key</code> in the <code>connection_init</code> payload.</p>
</body>
</html>
`;
}
