import { z } from 'zod';
import { integer } from './fields.js';

/** The simulated market and the market-data clock (which the simulated market and tests pin). */

const simulatedEnvSchema = z.object({
  /** Seed of the simulated market: same seed and time, same prices. */
  SIM_SEED: integer(0, 2 ** 31 - 1).default(42),
  /** Milliseconds between simulated live ticks. */
  SIM_TICK_MS: integer(10, 60_000).default(1_000),
  /**
   * The gateway's clock for market data starts at this instant (ISO 8601 with a zone, e.g.
   * `2026-12-02T15:00:00Z`) and runs on in real time: a weekday session on a weekend for a demo
   * of the simulated market, or a pinned calendar for tests. Unset: the system clock.
   */
  SIMULATED_NOW: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with a zone, like 2026-12-02T15:00:00Z' }).optional(),
});

export const simulatedEnv = simulatedEnvSchema.shape;
type SimulatedEnv = z.infer<typeof simulatedEnvSchema>;

export interface SimulatedSettings {
  readonly seed: number;
  readonly tickMs: number;
}

/** SIMULATED_NOW as epoch ms: where the market-data clock starts (src/domain/clock.ts); undefined = system clock. */
export interface ClockSettings {
  readonly startMs: number | undefined;
}

export function simulatedSettings(env: SimulatedEnv): SimulatedSettings {
  return { seed: env.SIM_SEED, tickMs: env.SIM_TICK_MS };
}

export function clockSettings(env: SimulatedEnv): ClockSettings {
  return { startMs: env.SIMULATED_NOW === undefined ? undefined : Date.parse(env.SIMULATED_NOW) };
}
