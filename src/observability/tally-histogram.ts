import type { Metric, MetricObjectWithValues, MetricType, MetricValueWithName, Registry } from 'prom-client';

/** prom-client's typings declare the type as a numeric enum; at run time, and in the exposition, it is this string. */
const HISTOGRAM = 'histogram' as unknown as MetricType;

/** One series of a TallyHistogram: its observations counted in plain numbers, per bucket. */
export class TallySeries {
  /** Per bucket, not cumulative: `counts[i]` holds values in (bounds[i-1], bounds[i]]; the last one, above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

export interface TallyHistogramOptions<Label extends string> {
  readonly name: string;
  readonly help: string;
  /** The one label that tells the series apart. */
  readonly labelName: Label;
  /** Upper bounds, ascending (prom-client's `buckets`). */
  readonly buckets: readonly number[];
  readonly registers: readonly Registry[];
}

/**
 * A Prometheus histogram with one label whose series are bound once (`series(value)`) and then
 * observed as plain numbers, for observations made once per item on a hot path.
 *
 * prom-client's `Histogram.observe` turns the labels object into a string key and looks it up in
 * an object on every observation, and its `labels()` children do the same: per item a live quote
 * writes, that was 3–6 % of a loaded gateway's CPU (perf, bench/stream-fanout), mostly string
 * building, string-table lookups and megamorphic property loads. Here an observation is a
 * comparison per bucket and three additions.
 *
 * Exposed as prom-client's own histogram is (the same names, labels, order and cumulative
 * buckets; test/unit/tally-histogram.test.ts checks the text line for line), through the registry,
 * which asks any metric for `get()` (JSON, cluster aggregation) or `getForPromString()` (text).
 */
export class TallyHistogram<Label extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly bounds: readonly number[];
  private readonly tallies = new Map<string, TallySeries>();

  constructor(private readonly options: TallyHistogramOptions<Label>) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    // The registry's type names only prom-client's classes; what it calls is what this class has.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric<Label>);
  }

  /** The series of `labelValue`, created (and exposed, at zero) on first use. */
  series(labelValue: string): TallySeries {
    let series = this.tallies.get(labelValue);
    if (series === undefined) this.tallies.set(labelValue, (series = new TallySeries(this.bounds)));
    return series;
  }

  /**
   * Zeroes every series in place (registry.resetMetrics()). prom-client drops its series instead;
   * these stay, at zero, because their observers hold them: a dropped one would count unseen.
   */
  reset(): void {
    for (const series of this.tallies.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.getForPromString();
  }

  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: Array<MetricValueWithName<string>> = [];
    const label = this.options.labelName;
    for (const [labelValue, series] of this.tallies) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += series.counts[index] as number;
        values.push({ labels: { le: bound, [label]: labelValue }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', [label]: labelValue }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { [label]: labelValue }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [label]: labelValue }, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: HISTOGRAM, aggregator: this.aggregator, collect: () => undefined, values };
  }
}
