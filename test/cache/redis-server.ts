import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';

/**
 * A redis-server of a test's own on a spare loopback port, which the test may stop and start
 * again on the same port (an outage and its end), without touching the shared one on 6379.
 */
export interface OwnRedis {
  readonly port: number;
  /** With the password in it, when it has one. */
  readonly url: string;
  /** Starts it (again) on its port and resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills it and resolves once it has exited. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `password`: clients must give it (redis-server's requirepass). */
export async function ownRedis(options: { readonly password?: string } = {}): Promise<OwnRedis> {
  const { password } = options;
  const port = await sparePort();
  let child: ChildProcess | undefined;
  return {
    port,
    url: password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    async start() {
      const auth = password === undefined ? [] : ['--requirepass', password];
      // libfaketime (a suite run as if on another date) makes redis-server spin: it runs on the real clock.
      const { LD_PRELOAD: _preload, ...env } = process.env;
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], { stdio: 'ignore', env });
      const deadline = performance.now() + 5_000;
      while (!(await accepts(port))) {
        if (performance.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGKILL');
      await once(running, 'exit');
    },
  };
}
