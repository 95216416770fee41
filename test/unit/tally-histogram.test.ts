import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TallyHistogram } from '../../src/observability/tally-histogram.js';

/**
 * The tally histogram (the live-quote latency histogram, observed per item written) must read at
 * /metrics exactly as prom-client's own histogram does with the same observations: dashboards and
 * alerts written for one read the other.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// Values on a bound (inclusive, as Prometheus' `le`), between bounds, under the first, over the last.
const OBSERVED: ReadonlyArray<readonly [string, number]> = [
  ['graphql-ws', 0.0004],
  ['graphql-ws', 0.001],
  ['graphql-ws', 0.0011],
  ['sse', 0.05],
  ['graphql-ws', 0.3],
  ['sse', 7],
  ['graphql-ws', 2.5],
  ['graphql-ws', 0.0049],
];

async function both(): Promise<{ ours: Registry; theirs: Registry }> {
  const ours = new Registry();
  const theirs = new Registry();
  const tally = new TallyHistogram({ name: 'lat_seconds', help: 'Latency.', labelName: 'transport', buckets: BUCKETS, registers: [ours] });
  const reference = new Histogram({ name: 'lat_seconds', help: 'Latency.', labelNames: ['transport'], buckets: BUCKETS, registers: [theirs] });
  for (const [transport, value] of OBSERVED) {
    tally.series(transport).observe(value);
    reference.observe({ transport }, value);
  }
  return { ours, theirs };
}

describe('TallyHistogram', () => {
  it('reads at /metrics line for line as prom-client’s histogram with the same observations', async () => {
    const { ours, theirs } = await both();
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('lat_seconds_bucket{le="0.001",transport="graphql-ws"} 2');
    expect(text).toContain('lat_seconds_bucket{le="+Inf",transport="sse"} 2');
    expect(text).toContain('lat_seconds_count{transport="graphql-ws"} 6');
  });

  it('gives the same JSON values, for cluster aggregation', async () => {
    const { ours, theirs } = await both();
    const strip = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map(({ name, type, aggregator, values }) => ({ name, type, aggregator, values: values.map((entry) => ({ labels: { ...entry.labels }, value: entry.value, metricName: (entry as { metricName?: string }).metricName })) }));
    expect(strip(await ours.getMetricsAsJSON())).toEqual(strip(await theirs.getMetricsAsJSON()));
  });

  it('starts again from zero when the registry is reset, and counts what its observers see after', async () => {
    const ours = new Registry();
    const tally = new TallyHistogram({ name: 'lat_seconds', help: 'Latency.', labelName: 'transport', buckets: BUCKETS, registers: [ours] });
    const series = tally.series('sse');
    series.observe(0.2);
    ours.resetMetrics();
    expect(await ours.metrics()).toContain('lat_seconds_count{transport="sse"} 0');
    series.observe(0.002);
    const text = await ours.metrics();
    expect(text).toContain('lat_seconds_bucket{le="0.0025",transport="sse"} 1');
    expect(text).toContain('lat_seconds_count{transport="sse"} 1');
  });
});
