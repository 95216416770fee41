import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('CLUSTER_FLIGHT_LEASE_MS', () => {
  it('defaults to 5 s, or to the chain budget plus 2 s when that is longer, so a live fetch is never overtaken', () => {
    expect(loadConfig({}).clusterFlight.leaseMs).toBe(5_000);
    expect(loadConfig({ CHAIN_BUDGET_MS: '8000' }).clusterFlight.leaseMs).toBe(10_000);
  });

  it('takes an explicit lease as it is', () => {
    expect(loadConfig({ CLUSTER_FLIGHT_LEASE_MS: '2500' }).clusterFlight.leaseMs).toBe(2_500);
  });

  it.each(['50', '200000', 'soon'])('refuses %s with a line naming the variable', (value) => {
    expect(() => loadConfig({ CLUSTER_FLIGHT_LEASE_MS: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ CLUSTER_FLIGHT_LEASE_MS: value })).toThrowError(/^Invalid CLUSTER_FLIGHT_LEASE_MS/);
  });
});
