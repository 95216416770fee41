// Peer of bench/versus.mjs: a bare node:http server that answers each POST with the exact bytes the
// gateway answered for the same request body, under the gateway's content-type: the ceiling of
// what any server could do on this machine for these answers. Prints its port once listening.
//
//   node bench/versus/bare-peer.mjs ANSWERS.json
import { createServer } from 'node:http';
import { announce, readAnswers } from './schema.mjs';

const { contentType, answers } = await readAnswers(process.argv[2]);
const byBody = new Map(answers.map(({ body, text }) => [body, Buffer.from(text)]));

const server = createServer((req, res) => {
  // The body is read whole and looked up, as any server must read the request it answers.
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const answer = req.method === 'POST' ? byBody.get(Buffer.concat(chunks).toString()) : undefined;
    if (!answer) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('no gateway answer for this request\n');
      return;
    }
    res.writeHead(200, { 'content-type': contentType, 'content-length': answer.length });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => announce(server.address().port));
