import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A real gateway process, started from the built `dist/`, as a user would run it. */
export interface SpawnedGateway {
  readonly port: number;
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  /** ws://127.0.0.1:PORT/graphql */
  readonly wsUrl: string;
  readonly origin: string;
  readonly process: ChildProcess;
  /** Every JSON log line printed so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Sends a signal and waits for the exit code (default SIGTERM). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node dist/main.js` on a free port (PORT=0) and resolves once it logs that it is ready.
 * Run `npm run build` first; `npm test` does.
 */
export async function spawnGateway(env: Record<string, string> = {}, timeoutMs = 20_000): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`gateway not ready after ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry['port'] === 'number' && String(entry['msg']).startsWith('marketgraph ready')) {
            clearTimeout(timer);
            resolve(entry['port']);
          }
        } catch {
          // Not a log line; keep it out of `logs`.
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before ready; stderr: ${stderr}`));
    });
  });

  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    process: child,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
