import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

/** A real gateway process, started from the built `dist/`, as a user would run it. */
export interface SpawnedGateway {
  readonly port: number;
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  /** ws://127.0.0.1:PORT/graphql */
  readonly wsUrl: string;
  readonly origin: string;
  readonly process: ChildProcess;
  /**
   * The gateway's clock for market data (SIMULATED_NOW, see src/domain/clock.ts), as this process
   * can compute it: compare quote timestamps with this, never with Date.now().
   */
  now(): number;
  /** Every JSON log line printed so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Sends a signal and waits for the exit code (default SIGTERM). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Where every spawned gateway's market clock starts unless a test says otherwise: a Wednesday,
 * mid-session on the simulated market (and 10:00 in New York), so prices move and "15 minutes ago"
 * is the same session whatever day and hour the suite runs.
 */
export const DEFAULT_SIMULATED_NOW = '2026-12-02T15:00:00.000Z';

/**
 * A faked clock (libfaketime, `faketime -f +2d npm test`) reaches the gateways too: they get a clean
 * environment, so what the preload needs is handed on by name.
 */
const FAKED_CLOCK_VARIABLES = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC', 'FAKETIME_NO_CACHE', 'DONT_FAKE_MONOTONIC'];

/** The faked clock's variables, for any child process a test starts with a clean environment. */
export function fakedClockEnv(): Record<string, string> {
  return Object.fromEntries(FAKED_CLOCK_VARIABLES.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name] as string]])));
}

/**
 * Starts the built gateway (`node dist/bundle/main.js`, what `npm start` runs) on a free port (PORT=0) and resolves once it logs that it is ready.
 * Run `npm run build` first; `npm test` does. Its market clock starts at DEFAULT_SIMULATED_NOW
 * unless `env.SIMULATED_NOW` names another instant.
 */
export async function spawnGateway(env: Record<string, string> = {}, timeoutMs = 20_000): Promise<SpawnedGateway> {
  const startMs = Date.parse(env['SIMULATED_NOW'] ?? DEFAULT_SIMULATED_NOW);
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...fakedClockEnv(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SIMULATED_NOW: new Date(startMs).toISOString(),
      ...env,
    },
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
    // The gateway anchors its clock to its own process start, a few ms after this one's spawn call.
    now: () => startMs + (Date.now() - spawnedAt),
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
