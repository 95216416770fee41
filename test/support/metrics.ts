/** Reading a spawned gateway's `/metrics` (Prometheus text), the way tests count what it did. */

/** The whole `/metrics` text of the gateway at `origin`. */
export async function scrapeMetrics(origin: string): Promise<string> {
  return (await fetch(`${origin}/metrics`)).text();
}

/**
 * The value of one sample of `/metrics`, e.g. `metric(gateway, 'circuit_breaker_state', { provider: 'fmp' })`;
 * undefined when the series has no sample yet. Labels must be given in full and in exposition order.
 */
export async function metric(gateway: { readonly origin: string }, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number | undefined> {
  const text = await scrapeMetrics(gateway.origin);
  const labelText = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .join(',');
  const series = labelText ? `${name}{${labelText}}` : name;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The sum of every sample of `name` in `/metrics` text whose labels include `labels`, 0 when absent. */
export function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{\s]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => text.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}
