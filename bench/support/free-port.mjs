// A TCP port free on loopback a moment ago, for the servers a bench spawns (plain JavaScript, so
// every .mjs bench can import it).
import { createServer } from 'node:http';

export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
