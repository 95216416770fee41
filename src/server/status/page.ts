import { BASE_POLICY, cspHash, PAGE_STYLE, pageHead } from '../pages/html.js';
import { STATUS_SCRIPT } from './page-script.js';

const STATUS_STYLE = `
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.breaker[data-state="OPEN"] { color: #dc2626; font-weight: 700; }
td.breaker[data-state="HALF_OPEN"] { color: #d97706; font-weight: 700; }
td.breaker[data-state="CLOSED"] { color: #16a34a; }
#state[data-state="live"] { color: #16a34a; } #state[data-state="refused"], #state[data-state="disconnected"] { color: #dc2626; }
#error { color: #dc2626; }
form.row input { min-width: 18rem; }
`;

/** The status console: offline (every asset inline), the data from /status/events (console.ts). */
export const STATUS_PAGE = `${pageHead('marketgraph status').replace('</head>', `<style>${STATUS_STYLE}</style>\n</head>`)}
<body>
<h1>marketgraph status</h1>
<p class="muted">Live from this gateway instance: <span id="state">connecting</span>, updated <span id="updated">–</span>. <span id="error"></span></p>
<form id="credential-form" class="row">
  <select id="credential-kind" aria-label="Credential kind"><option value="key">API key</option><option value="token">Bearer token</option></select>
  <input id="credential" type="password" autocomplete="off" placeholder="A credential with PROVIDER_STATUS (ADMIN for replays); empty on an open development gateway" aria-label="Credential">
  <button class="primary" id="connect" type="submit">Connect</button>
</form>
<h2>Providers</h2>
<table><thead><tr><th>Provider</th><th>Breaker</th><th>Health %</th><th>Latency p50 / p99 ms</th><th>Calls</th><th>Errors by kind</th><th>Keys (masked): quota left</th><th>Dead letters</th></tr></thead><tbody id="providers"></tbody></table>
<p id="replay-result" class="muted"></p>
<h2>Breaker history</h2>
<table><thead><tr><th>At</th><th>Provider</th><th>State</th></tr></thead><tbody id="history"></tbody></table>
<h2>Cache</h2>
<p id="cache-summary" class="muted"></p>
<table><thead><tr><th>Kind</th><th>Tier</th><th>Hit ratio</th><th>Lookups</th></tr></thead><tbody id="cache"></tbody></table>
<h2>Live quotes</h2>
<p id="live"></p>
<h2>Refusals and throttling</h2>
<table><thead><tr><th>Code</th><th>Cause</th><th>Count</th></tr></thead><tbody id="refusals"></tbody></table>
<h2>Latest audit entries</h2>
<table><thead><tr><th>At</th><th>Kind</th><th>Consumer</th><th>Path</th><th>What</th><th>Outcome</th></tr></thead><tbody id="audit"></tbody></table>
<script>${STATUS_SCRIPT}</script>
</body>
</html>
`;

export const STATUS_PAGE_POLICY = `${BASE_POLICY}; connect-src 'self'; style-src ${cspHash(PAGE_STYLE)} ${cspHash(STATUS_STYLE)}; script-src ${cspHash(STATUS_SCRIPT)}`;
