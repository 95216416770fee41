// The servers of bench/versus.mjs, each a process of its own (so its CPU time can be read from
// /proc and it shares nothing with the load generator but the machine), and the load itself.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.mjs';

const STARTUP_MS = 20_000;
/** Children still running: killed if the bench ends early, so no server outlives it. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A spawned server: `exited` rejects if it stops before stop() is called. */
function track(name, child) {
  running.add(child);
  let stopping = false;
  const exited = new Promise((_, reject) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!stopping) reject(new Error(`${name} exited (${signal ?? code}) while the bench needed it`));
    });
  });
  exited.catch(() => undefined);
  return {
    name,
    child,
    exited,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // A graceful shutdown that hangs must not hold the next server's turn on the cores.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * A built gateway on a free loopback port, ready (/readyz answers 200). Only PATH is inherited
 * from this shell, as in bench/support/gateway.ts: a REDIS_URL or PROVIDERS of the caller's must
 * not change what is measured.
 */
export async function startGateway(name, main, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server = { ...track(name, child), port };
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const ready = await Promise.race([fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false), server.exited]);
    if (ready) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} not ready after ${STARTUP_MS / 1000} s`);
    }
    await sleep(10);
  }
}

/** A peer script of bench/versus/ given the answers file; it prints its port once listening. */
export async function startPeer(name, script, answersPath) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), answersPath], {
    // Production, as the gateway runs: Apollo Server, for one, drops its landing page and introspection then.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = track(name, child);
  const port = new Promise((resolve) => {
    let printed = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      printed += chunk;
      if (printed.includes('\n')) resolve(Number(printed.split('\n')[0]));
    });
  });
  const timeout = sleep(STARTUP_MS).then(() => {
    throw new Error(`${name} did not print its port within ${STARTUP_MS / 1000} s`);
  });
  try {
    return { ...server, port: await Promise.race([port, server.exited, timeout]) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** CPU seconds (user + system) a process has used: per request, a figure the load generator on the same cores barely moves. */
async function cpuSeconds(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One autocannon run against `server` with `request`; the figures the bench reports. */
/**
 * The measured load, after `warmupSeconds` of the same load unmeasured: every server is measured
 * warm (V8 has optimised its hot path, graphql-jit has compiled the document), not on its first
 * seconds, which favoured whichever server warmed faster by several per cent between runs.
 */
export async function load(server, request, { seconds, connections, warmupSeconds = 0 }) {
  if (warmupSeconds > 0) await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration: warmupSeconds, requests: [request] });
  const before = await cpuSeconds(server.child.pid);
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration: seconds, requests: [request] });
  const cpu = (await cpuSeconds(server.child.pid)) - before;
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: Math.round((cpu * 1e6) / Math.max(1, result.requests.total)),
  };
}

/** One POST of a request body; the answer's status, content-type, x-cache, text and parsed JSON. */
export async function post(port, body) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), xCache: response.headers.get('x-cache'), text, json };
}
