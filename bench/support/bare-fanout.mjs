// The baseline of bench/stream-fanout.mjs: a bare `ws` server, no GraphQL, no hub, no Redis, that
// ticks the same symbols at the same rate and sends each client, for each of its symbols, a frame
// shaped like the gateway's graphql-ws `next` message. A client says which symbols it wants with
// one `{"symbols":[…]}` message. What the gateway adds is measured against this.
import { WebSocketServer } from 'ws';

const ticksPerSecond = Number(process.env.TICKS_PER_SECOND ?? 4);
const SLICES = 10;
const watchers = new Map(); // symbol → Set<socket>
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket) => {
  socket.once('message', (data) => {
    for (const symbol of JSON.parse(String(data)).symbols) {
      if (!watchers.has(symbol)) watchers.set(symbol, new Set());
      watchers.get(symbol).add(socket);
    }
  });
  socket.on('close', () => {
    for (const set of watchers.values()) set.delete(socket);
  });
});

let slice = 0;
let round = 0;
setInterval(() => {
  slice = (slice + 1) % SLICES;
  if (slice === 0) round += 1;
  let index = 0;
  // One stamp per slice, as the fake upstream stamps each slice's frame once (`t`) before the
  // gateway sees any of it: a symbol's latency then includes waiting behind the rest of its slice,
  // as the gateway's does. Stamped per symbol, the bare server's latency left that wait out.
  const timestamp = new Date().toISOString();
  for (const [symbol, sockets] of watchers) {
    if (index++ % SLICES !== slice) continue;
    const frame = JSON.stringify({ id: '1', type: 'next', payload: { data: { quotes: { symbol, price: 100 + (round % 100) / 100, timestamp, source: 'finnhub' } } } });
    for (const socket of sockets) socket.send(frame);
  }
}, 1000 / ticksPerSecond / SLICES);

wss.on('listening', () => process.send?.({ port: wss.address().port }));
