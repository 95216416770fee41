/**
 * The status page's script, as text (served inline and allowed by its hash). It asks for a
 * credential once (kept for the tab in sessionStorage), reads /status/events with fetch (headers,
 * which EventSource cannot send), draws each snapshot, and sends the admin actions as GraphQL
 * mutations to /graphql with the same credential. Plain ES2020: no build step, no dependency.
 */
export const STATUS_SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const esc = (value) => String(value ?? '–').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const stored = () => JSON.parse(sessionStorage.getItem('marketgraph.credential') || 'null');
let controller;

function headers() {
  const credential = stored();
  if (!credential || !credential.value) return {};
  return credential.kind === 'token' ? { authorization: 'Bearer ' + credential.value } : { 'x-api-key': credential.value };
}

function show(state, message) {
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('error').textContent = message || '';
}

async function connect() {
  if (controller) controller.abort();
  controller = new AbortController();
  show('connecting');
  let response;
  try {
    response = await fetch('/status/events', { headers: headers(), signal: controller.signal });
  } catch (error) {
    if (error.name !== 'AbortError') show('disconnected', 'The gateway is not answering; retrying.'), setTimeout(connect, 2000);
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const first = (body.errors || [])[0] || {};
    show('refused', (first.extensions && first.extensions.code ? first.extensions.code + ': ' : '') + (first.message || 'HTTP ' + response.status));
    return;
  }
  show('live');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch { break; }
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(message);
      const data = /^data: (.*)$/m.exec(message);
      if (event && event[1] === 'snapshot' && data) draw(JSON.parse(data[1]));
    }
  }
  if (!controller.signal.aborted) show('disconnected', 'The stream ended; reconnecting.'), setTimeout(connect, 1000);
}

function rows(items, cells, empty) {
  return items.length ? items.map(cells).join('') : '<tr><td colspan="9" class="muted">' + empty + '</td></tr>';
}

function draw(s) {
  $('updated').textContent = new Date(s.at).toLocaleTimeString();
  $('providers').innerHTML = rows(s.providers, (p) =>
    '<tr data-provider="' + esc(p.id) + '"><td>' + esc(p.id) + '</td>' +
    '<td class="breaker" data-state="' + esc(p.breaker.state) + '">' + esc(p.breaker.state) + (p.breaker.since ? ' <span class="muted">since ' + esc(new Date(p.breaker.since).toLocaleTimeString()) + '</span>' : '') + '</td>' +
    '<td>' + esc(p.healthScore) + '</td><td>' + esc(p.latency.p50Ms) + ' / ' + esc(p.latency.p99Ms) + '</td><td>' + esc(p.calls) + '</td>' +
    '<td>' + esc(Object.entries(p.errorsByKind).map(([k, v]) => k + ' ' + v).join(', ') || '0') + '</td>' +
    '<td>' + esc(p.keys.map((k) => k.key + ' ' + k.state + ' ' + (k.remainingPerMinute ?? '–') + '/min ' + (k.remainingPerDay ?? '–') + '/day').join('; ') || 'no keys') + '</td>' +
    '<td class="dead-letters">' + esc(p.deadLetters) + ' <button data-replay="' + esc(p.id) + '"' + (p.deadLetters ? '' : ' disabled') + '>Replay</button></td></tr>', 'No providers.');
  $('history').innerHTML = rows(s.breakerHistory, (h) => '<tr><td>' + esc(new Date(h.at).toLocaleTimeString()) + '</td><td>' + esc(h.provider) + '</td><td>' + esc(h.state) + '</td></tr>', 'No breaker has changed since start.');
  const ratio = (hits, lookups) => (lookups ? Math.round((100 * hits) / lookups) + ' %' : '–');
  $('cache').innerHTML = rows(s.cache.hitRatio, (c) => '<tr><td>' + esc(c.kind) + '</td><td>' + esc(c.tier) + '</td><td>' + ratio(c.hits, c.lookups) + '</td><td>' + esc(c.lookups) + '</td></tr>', 'No lookups yet.');
  $('cache-summary').textContent = s.cache.tiers + ' · Redis ' + s.cache.redis + ' · entries ' + (s.cache.entries.map((e) => e.tier + ' ' + e.count).join(', ') || '0') +
    ' · response cache ' + ratio(s.cache.responseCache.hits, s.cache.responseCache.hits + s.cache.responseCache.misses);
  $('live').textContent = s.live.subscriptions + ' subscriptions · ' + s.live.upstreamFeeds + ' upstream feeds · ' +
    (s.live.connections.map((c) => c.provider + ' ' + c.state + ' ' + c.count).join(', ') || 'no provider connections') + ' · ' +
    (s.live.symbols.map((c) => c.provider + ' ' + c.count + ' symbols').join(', ') || 'no upstream symbols');
  $('refusals').innerHTML = rows(s.refusals, (r) => '<tr><td>' + esc(r.code) + '</td><td>' + esc(r.cause) + '</td><td>' + esc(r.count) + '</td></tr>', 'Nobody refused.');
  $('audit').innerHTML = s.audit === null ? '<tr><td colspan="9" class="muted">The audit trail needs the ADMIN right.</td></tr>' :
    rows(s.audit, (a) => '<tr><td>' + esc(new Date(a.time).toLocaleTimeString()) + '</td><td>' + esc(a.kind) + '</td><td>' + esc(a.consumer) + '</td><td>' + esc(a.path) + '</td><td>' + esc(a.provider || a.right || a.limit) + '</td><td>' + esc(a.outcome ?? a.allowed) + '</td></tr>', 'No entries yet.');
}

async function replay(provider) {
  $('replay-result').textContent = 'Replaying ' + provider + '…';
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers() },
    body: JSON.stringify({ query: 'mutation Replay($provider: ProviderId) { replayDeadLetters(provider: $provider) }', variables: { provider: provider.toUpperCase() } }),
  });
  const body = await response.json().catch(() => ({}));
  const error = (body.errors || [])[0];
  $('replay-result').textContent = error ? 'Refused: ' + (error.extensions && error.extensions.code) + ': ' + error.message : 'Replayed ' + body.data.replayDeadLetters + ' dead letter(s) of ' + provider + '.';
}

$('providers').addEventListener('click', (event) => {
  const provider = event.target && event.target.dataset && event.target.dataset.replay;
  if (provider) replay(provider);
});
$('credential-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('marketgraph.credential', JSON.stringify({ kind: $('credential-kind').value, value: $('credential').value.trim() }));
  connect();
});
const saved = stored();
if (saved) $('credential-kind').value = saved.kind;
connect();
`;
