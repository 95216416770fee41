// A fake Finnhub for bench/stream-fanout.mjs, in a process of its own (so its ticks are stamped
// on an event loop the clients do not hold up): the trades websocket as Finnhub documents it
// (`?token=`, `subscribe`/`unsubscribe` one symbol each, `{"type":"trade","data":[{s,p,t,v}]}`),
// REST `/quote` for the snapshots and baselines, and GET /stats: the symbols subscribed upstream.
// Every subscribed symbol ticks TICKS_PER_SECOND times a second, spread over SLICES batches so
// the load is even; `t` is the send time (Date.now(), ms), what the clients measure against.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const ticksPerSecond = Number(process.env.TICKS_PER_SECOND ?? 4);
const SLICES = 10;
const subscribed = new Map(); // socket → Set<symbol>
let subscribeMessages = 0;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://fake.invalid');
  if (url.pathname === '/stats') {
    const symbols = new Set();
    for (const set of subscribed.values()) for (const symbol of set) symbols.add(symbol);
    response.end(JSON.stringify({ connections: subscribed.size, symbols: symbols.size, subscribeMessages }));
    return;
  }
  if (url.pathname.endsWith('/quote')) {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ c: 100, d: 1, dp: 1, h: 101, l: 99, o: 99.5, pc: 99, t: Math.floor(Date.now() / 1000) }));
    return;
  }
  response.statusCode = 404;
  response.end('{}');
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket) => {
  const symbols = new Set();
  subscribed.set(socket, symbols);
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'subscribe') {
      subscribeMessages += 1;
      symbols.add(message.symbol);
    } else if (message.type === 'unsubscribe') symbols.delete(message.symbol);
  });
  socket.on('close', () => subscribed.delete(socket));
  socket.on('error', () => undefined);
});

let slice = 0;
let round = 0;
setInterval(() => {
  slice = (slice + 1) % SLICES;
  if (slice === 0) round += 1;
  for (const [socket, symbols] of subscribed) {
    const data = [];
    let index = 0;
    const t = Date.now();
    for (const symbol of symbols) {
      if (index++ % SLICES === slice) data.push({ s: symbol, p: 100 + (round % 100) / 100 + index / 1000, t, v: 100 });
    }
    if (data.length > 0) socket.send(JSON.stringify({ type: 'trade', data }));
  }
}, 1000 / ticksPerSecond / SLICES);

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
