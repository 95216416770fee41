import { EXAMPLE_OPERATIONS } from './examples.js';
import { BASE_POLICY, cspHash, escapeHtml, PAGE_STYLE, pageHead } from './html.js';

/**
 * The gateway's own query console at /console: everything inline, nothing from a CDN, so it works
 * where Apollo Sandbox cannot load (no internet). Queries and mutations are POSTed to the endpoint
 * named in `data-endpoint`; a subscription opens graphql-ws (graphql-transport-ws) on the same URL.
 */

// `<` escaped so no example can close the script element early.
const examples = JSON.stringify(EXAMPLE_OPERATIONS).replace(/</g, '\\u003c');

// Plain ES2017 for any browser; `document.body.dataset.endpoint` keeps the script static (one hash).
const SCRIPT = `
(function () {
  'use strict';
  var examples = ${examples};
  var endpoint = document.body.dataset.endpoint;
  var $ = function (id) { return document.getElementById(id); };
  var query = $('query'), variables = $('variables'), headerName = $('header-name'), headerValue = $('header-value');
  var result = $('result'), status = $('status'), runButton = $('run');
  var socket = null;

  function show(text, line) { result.textContent = text; status.textContent = line; }
  function pretty(text) { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; } }
  function load(example) { query.value = example.query; variables.value = JSON.stringify(example.variables, null, 2); }
  function credentials() {
    var value = headerValue.value.trim(), found = {};
    if (!value) return found;
    if (headerName.value === 'Authorization' && !/^bearer\\s/i.test(value)) value = 'Bearer ' + value;
    found[headerName.value] = value;
    return found;
  }
  function isSubscription(text) { return /^\\s*subscription\\b/.test(text.replace(/#[^\\n]*/g, '')); }

  function post(text, vars) {
    var started = Date.now();
    show('', 'Running…');
    var headers = Object.assign({ 'content-type': 'application/json' }, credentials());
    fetch(endpoint, { method: 'POST', headers: headers, body: JSON.stringify({ query: text, variables: vars }) })
      .then(function (response) {
        return response.text().then(function (body) { show(pretty(body), 'HTTP ' + response.status + ' · ' + (Date.now() - started) + ' ms'); });
      })
      .catch(function (error) { show(String(error), 'The request failed: is the gateway running?'); });
  }

  function subscribe(text, vars) {
    var url = new URL(endpoint, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    var ws = new WebSocket(url.href, 'graphql-transport-ws'), events = [], count = 0;
    socket = ws;
    runButton.textContent = 'Stop';
    show('', 'Connecting…');
    ws.onopen = function () { ws.send(JSON.stringify({ type: 'connection_init', payload: credentials() })); };
    ws.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === 'connection_ack') {
        status.textContent = 'Subscribed; waiting for events…';
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: text, variables: vars } }));
      } else if (message.type === 'next' || message.type === 'error') {
        count += 1;
        events.unshift(JSON.stringify(message.payload, null, 2));
        events.length = Math.min(events.length, 50);
        show(events.join('\\n\\n'), count + ' event(s), newest first');
      } else if (message.type === 'complete') {
        ws.close(1000, 'complete');
      } else if (message.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    };
    ws.onclose = function (event) {
      if (socket === ws) { socket = null; runButton.textContent = 'Run'; }
      if (event.code !== 1000) status.textContent = 'Connection closed: ' + event.code + (event.reason ? ' ' + event.reason : '');
    };
  }

  function stop() { var open = socket; socket = null; runButton.textContent = 'Run'; if (open) open.close(1000, 'stopped'); }

  function run() {
    if (socket) return stop();
    var vars = {};
    try { if (variables.value.trim()) vars = JSON.parse(variables.value); } catch (error) { return show(String(error), 'Variables are not valid JSON; nothing was sent.'); }
    if (isSubscription(query.value)) subscribe(query.value, vars); else post(query.value, vars);
  }

  examples.forEach(function (example) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = example.title;
    button.addEventListener('click', function () { load(example); });
    $('examples').appendChild(button);
  });
  runButton.addEventListener('click', run);
  query.addEventListener('keydown', function (event) { if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run(); });
  if (location.hash === '#sandbox-unavailable') $('sandbox-note').hidden = false;
  load(examples[0]);
})();
`;

/** What the console shows of the schema: its SDL, or why not (introspection is off for this caller). */
export type SchemaView = { readonly sdl: string } | { readonly hidden: string };

/** The policy of the console: its own script and style, and requests to its own origin (fetch and WebSocket). */
export const CONSOLE_POLICY = `${BASE_POLICY}; script-src ${cspHash(SCRIPT)}; style-src ${cspHash(PAGE_STYLE)}; connect-src 'self'`;

export function consolePage(endpoint: string, schema: SchemaView): string {
  const schemaSection =
    'sdl' in schema
      ? `<details open><summary>SDL (${schema.sdl.split('\n').length} lines; <code>@requiresRight</code> names the right a field needs)</summary><pre id="schema-sdl">${escapeHtml(schema.sdl)}</pre></details>`
      : `<p class="muted" id="schema-hidden">${escapeHtml(schema.hidden)}</p>`;
  return `${pageHead('marketgraph console')}
<body data-endpoint="${escapeHtml(endpoint)}">
<h1>marketgraph console</h1>
<p class="muted">Built into the gateway and fully offline. Queries are sent as <code>POST ${escapeHtml(endpoint)}</code> with a JSON body; subscriptions over graphql-ws on the same URL.</p>
<p class="note" id="sandbox-note" hidden>Apollo Sandbox could not be loaded from its CDN (no internet?), so you are on the gateway's built-in console instead.</p>
<div class="grid">
<section>
<label for="query">Operation</label>
<textarea id="query" spellcheck="false" autocapitalize="off"></textarea>
<label for="variables">Variables (JSON)</label>
<textarea id="variables" spellcheck="false" autocapitalize="off"></textarea>
<label for="header-value">Credentials (optional)</label>
<div class="row">
<select id="header-name" aria-label="Header"><option>Authorization</option><option>X-API-Key</option></select>
<input id="header-value" type="password" autocomplete="off" placeholder="Bearer token or API key">
</div>
<div class="row"><button type="button" id="run" class="primary">Run</button><span class="muted">Ctrl+Enter</span></div>
<div class="row" id="examples"><span class="muted">Examples:</span></div>
</section>
<section>
<label for="result">Result <span class="muted" id="status"></span></label>
<pre id="result" aria-live="polite"></pre>
</section>
</div>
<h2>Schema</h2>
${schemaSection}
<h2>From a program</h2>
<pre>curl -X POST &lt;gateway&gt;${escapeHtml(endpoint)} -H 'content-type: application/json' \\
  --data '{"query":"{ quote(symbol: \\"AAPL\\") { symbol price } }"}'</pre>
<p class="muted">Add <code>-H 'Authorization: Bearer &lt;token&gt;'</code> or <code>-H 'X-API-Key: &lt;key&gt;'</code> for the rights of your profile. Live quotes: any graphql-ws client on <code>ws://&lt;gateway&gt;${escapeHtml(endpoint)}</code>, credentials in the <code>connection_init</code> payload.</p>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
